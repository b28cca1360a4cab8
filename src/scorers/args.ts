/**
 * Reading a scorer's arguments. They come from three places with three shapes: the CLI passes strings
 * (`--scorer-arg ignore_case=true`), YAML configs pass numbers, booleans, lists and objects, and task
 * files pass whatever TypeScript allows. Each reader accepts the natural shapes of its type and throws a
 * UserError naming the scorer and the argument otherwise; `ScorerArgs.done()` rejects unknown names,
 * so a typo is an error rather than a silently ignored option.
 */
import { UserError } from "../util/errors.js";

export class ScorerArgs {
  private readonly read = new Set<string>();

  constructor(
    readonly scorer: string,
    private readonly args: Readonly<Record<string, unknown>>,
  ) {}

  /** An error about one argument, in the form every scorer uses. */
  error(key: string, problem: string): UserError {
    return new UserError(`scorer ${this.scorer}: argument "${key}" ${problem}`);
  }

  private raw(key: string): unknown {
    this.read.add(key);
    const v = this.args[key];
    return v === null ? undefined : v;
  }

  has(key: string): boolean {
    return this.args[key] !== undefined && this.args[key] !== null;
  }

  string(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    throw this.error(key, `must be a string, got ${describe(v)}`);
  }

  boolean(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined || typeof v === "boolean") return v;
    if (typeof v === "string") {
      const t = v.trim().toLowerCase();
      if (["true", "yes", "1", "on"].includes(t)) return true;
      if (["false", "no", "0", "off"].includes(t)) return false;
    }
    throw this.error(key, `must be true or false, got ${describe(v)}`);
  }

  number(key: string, bounds: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) throw this.error(key, `must be a number, got ${describe(v)}`);
    if (bounds.integer && !Number.isInteger(n)) throw this.error(key, `must be a whole number, got ${n}`);
    if (bounds.min !== undefined && n < bounds.min)
      throw this.error(key, `must be at least ${bounds.min}, got ${n}`);
    if (bounds.max !== undefined && n > bounds.max)
      throw this.error(key, `must be at most ${bounds.max}, got ${n}`);
    return n;
  }

  /** One of a fixed set of words. */
  choice<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v))
      throw this.error(key, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`);
    return v as T;
  }

  /**
   * A list of strings: a YAML/JSON list, a JSON array written as a string (from the CLI), or one plain
   * string (a list of one; commas are not split, since targets may contain them).
   */
  stringList(key: string): string[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    let list: unknown = v;
    if (typeof v === "string") {
      const t = v.trim();
      if (!t.startsWith("[")) return [v];
      try {
        list = JSON.parse(t);
      } catch {
        throw this.error(key, `looks like a JSON list but does not parse: ${t}`);
      }
    }
    if (!Array.isArray(list) || list.some((x) => typeof x !== "string" && typeof x !== "number"))
      throw this.error(key, `must be a string or a list of strings, got ${describe(v)}`);
    if (list.length === 0) throw this.error(key, "must not be an empty list");
    return list.map(String);
  }

  /** A JSON object: an object (YAML, task files) or its JSON text (CLI). */
  object(key: string): Record<string, unknown> | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    let obj: unknown = v;
    if (typeof v === "string") {
      try {
        obj = JSON.parse(v);
      } catch (e) {
        throw this.error(key, `is not valid JSON: ${(e as Error).message}`);
      }
    }
    if (typeof obj !== "object" || obj === null || Array.isArray(obj))
      throw this.error(key, `must be a JSON object, got ${describe(obj)}`);
    return obj as Record<string, unknown>;
  }

  /** Call after reading every argument: any name the scorer did not read is a mistake. */
  done(): void {
    const unknown = Object.keys(this.args).filter((k) => !this.read.has(k));
    if (unknown.length)
      throw new UserError(
        `scorer ${this.scorer}: unknown argument${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")} (it takes: ${[...this.read].join(", ") || "none"})`,
      );
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The sample's reference answers as a list (a string target is a list of one). */
export function targetsOf(target: string | string[] | undefined): string[] {
  return target === undefined ? [] : ([] as string[]).concat(target).map(String);
}
