/**
 * Option parsers for command definitions, with one wording for every command. They run while commander
 * parses argv, before any action has loaded its implementation, so this module imports nothing but
 * commander.
 */
import { InvalidArgumentError } from "commander";
import { UserError } from "../util/errors.js";

/** An integer in [min, max]; anything else is a usage error naming the option. */
export function intOption(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = value.trim() === "" ? Number.NaN : Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(rangeText(name, "an integer", value, min, max));
    return n;
  };
}

/** A finite number in [min, max]. */
export function numberOption(name: string, min: number, max = Number.POSITIVE_INFINITY) {
  return (value: string): number => {
    const n = value.trim() === "" ? Number.NaN : Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(rangeText(name, "a number", value, min, max));
    return n;
  };
}

/** One of a fixed set of words (e.g. `--progress auto|tty|plain|silent`). */
export function choiceOption<T extends string>(name: string, choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value))
      throw new InvalidArgumentError(`${name} must be one of ${choices.join(", ")}, got "${value}"`);
    return value as T;
  };
}

/**
 * An absolute http(s) URL, checked in the action rather than by commander (whose message would repeat
 * the raw value, password included); the error never repeats a user:password part.
 */
export function requireHttpUrl(name: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new UserError(
      `${name} must be an http(s) URL such as http://localhost:8000/v1, got "${withoutUserinfo(value)}"`,
    );
  return value;
}

/** The text with any "user:password@" after "//" replaced by "***@". */
function withoutUserinfo(text: string): string {
  return text.replace(/\/\/[^@\s]*@/g, "//***@");
}

/** The same check for values that do not come through commander (environment variables, files). */
export function parseIntIn(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  try {
    return intOption(name, min, max)(value);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

function rangeText(name: string, kind: string, value: string, min: number, max: number): string {
  const bound =
    max < Number.MAX_SAFE_INTEGER && Number.isFinite(max) ? `between ${min} and ${max}` : `≥ ${min}`;
  return `${name} must be ${kind} ${bound}, got "${value}"`;
}

/** Collect repeated `-T key=value` options into an object (numbers and booleans parsed). */
export function collectTaskArg(value: string, previous: Record<string, string | number | boolean> = {}) {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`-T expects key=value, got "${value}"`);
  const key = value.slice(0, eq).trim();
  const raw = value.slice(eq + 1);
  let parsed: string | number | boolean = raw;
  if (raw === "true" || raw === "false") parsed = raw === "true";
  else if (raw.trim() !== "" && /^-?\d+(\.\d+)?$/.test(raw.trim())) parsed = Number(raw);
  return { ...previous, [key]: parsed };
}

/**
 * Collect repeated `-M key=value` options into request-body fields: a value that reads as JSON (numbers,
 * booleans, objects such as {"enable_thinking": false}) is that value, anything else a string.
 */
export function collectModelArg(value: string, previous: Record<string, unknown> = {}) {
  const eq = value.indexOf("=");
  if (eq <= 0) throw new InvalidArgumentError(`-M expects key=value, got "${value}"`);
  const raw = value.slice(eq + 1);
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {}
  return { ...previous, [value.slice(0, eq).trim()]: parsed };
}
