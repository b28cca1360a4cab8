/**
 * Secrets (API keys) must never reach logs, the database, reports or exports. Every key Assay reads is
 * registered here. `redactSecrets` removes a registered key and its common encodings (any letter case,
 * base64 and base64url at any alignment, URL-encoding, the key without its `sk-`-style prefix) from a
 * text; `redact` also removes bearer tokens and the user:password part of URLs, for error texts and
 * messages; `redactValue` applies `redactSecrets` to every string of a JSON-like value. The model wrapper
 * and the run store pass everything they write through these.
 */
const secrets = new Set<string>();
/** One case-insensitive alternation of every form of every secret (rebuilt when one is registered). */
let pattern: RegExp | undefined;

/** Shorter fragments would redact ordinary words; real keys are long. */
const MIN_SECRET = 8;

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET || secrets.has(value)) return;
  secrets.add(value);
  const forms = new Set<string>();
  for (const s of secrets) for (const f of secretForms(s)) if (f.length >= MIN_SECRET) forms.add(f);
  const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  pattern = new RegExp(sorted.join("|"), "gi");
}

/** The key as written, URL-encoded, without a leading `xx-` / `xx_` prefix, and base64 at each alignment. */
function secretForms(key: string): string[] {
  const forms = [key, encodeURIComponent(key)];
  const bare = /^(?:[A-Za-z]{1,8}[-_]){1,2}(.{8,})$/.exec(key)?.[1];
  if (bare) forms.push(bare);
  for (const k of bare ? [key, bare] : [key]) forms.push(...base64Cores(Buffer.from(k, "utf8")));
  return forms;
}

/**
 * The base64 (and base64url) characters that depend on the key's bytes only, for the key starting at
 * each of the three byte offsets within a 3-byte group: they appear in any base64 text that encodes
 * the key, whatever comes before or after it (e.g. a Basic auth header of "user:key").
 */
function base64Cores(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const enc = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const first = Math.ceil((8 * offset) / 6);
    const last = Math.floor((8 * (offset + bytes.length)) / 6);
    const core = enc.slice(first, last);
    out.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/** `text` without any form of a registered secret. */
export function redactSecrets(text: string): string {
  if (!pattern) return text;
  pattern.lastIndex = 0;
  return pattern.test(text) ? text.replace(pattern, "***") : text;
}

/** An error text or message made safe to print or store: secrets, bearer tokens, URL credentials. */
export function redact(text: string): string {
  return redactSecrets(text)
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, "$1***")
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, "$1***@");
}

/**
 * `value` with `redactSecrets` applied to every string in it (object keys too). Returns the value itself
 * when nothing had to change, so the common case copies nothing.
 */
export function redactValue<T>(value: T): T {
  if (!pattern) return value;
  return redactDeep(value, 0) as T;
}

function redactDeep(value: unknown, depth: number): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (typeof value !== "object" || value === null || depth > 200) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((v, i) => {
      const r = redactDeep(v, depth + 1);
      if (r === v) return;
      out ??= value.slice();
      out[i] = r;
    });
    return out ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const rk = redactSecrets(k);
    const rv = redactDeep(v, depth + 1);
    if (rk !== k || rv !== v) {
      out ??= { ...(value as Record<string, unknown>) };
      if (rk !== k) delete out[k];
      out[rk] = rv;
    }
  }
  return out ?? value;
}

/** Key-like query parameters: their values are secrets wherever they appear. */
const KEY_PARAM = /key|token|secret|sig|auth/i;

/**
 * Register a URL's password and key-like query values as secrets, so that a server echoing the URL
 * back (in a 404 message, say) does not print them.
 */
export function registerUrlSecrets(url: string): void {
  try {
    const u = new URL(url);
    registerSecret(decodeURIComponent(u.password));
    for (const [k, v] of u.searchParams) if (KEY_PARAM.test(k)) registerSecret(v);
  } catch {
    // not a URL: nothing to register (the caller reports the bad URL)
  }
}

/** A URL without credentials in it (user:pass@ or key-like query parameters), safe to store. */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    for (const k of [...u.searchParams.keys()]) {
      if (KEY_PARAM.test(k)) u.searchParams.set(k, "***");
    }
    return redact(u.toString().replace(/\/$/, ""));
  } catch {
    return redact(url);
  }
}

/** Request-body field names that carry credentials (exact names: `max_tokens` and the like are fine). */
const SECRET_FIELD =
  /^(api[_-]?key|key|access[_-]?token|auth[_-]?token|token|password|secret|client[_-]?secret|authorization|bearer)$/i;

/**
 * The first request-body field (`-M key=value`, `--model-args`) whose name says it holds a
 * credential. Such fields are stored with the run (they change the answers, so they are part of its
 * configuration), so a key must come from an environment variable instead.
 */
export function secretFieldName(fields: Readonly<Record<string, unknown>>): string | undefined {
  return Object.keys(fields).find((k) => SECRET_FIELD.test(k));
}
