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
