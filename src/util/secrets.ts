/**
 * Secrets (API keys) must never reach logs, the database, reports or exports. Every key Assay reads is
 * registered here, and every error text is passed through `redact` before it is printed or stored.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; real keys are long.
  if (value && value.length >= 8) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join("***");
  }
  // Bearer tokens echoed back by a server, whatever their value.
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, "$1***");
}

/** A URL without credentials in it (user:pass@ or key-like query parameters), safe to store. */
export function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    for (const k of [...u.searchParams.keys()]) {
      if (/key|token|secret|sig|auth/i.test(k)) u.searchParams.set(k, "***");
    }
    return u.toString().replace(/\/$/, "");
  } catch {
    return redact(url);
  }
}
