/**
 * Option parsers for command definitions. They run while commander parses argv, before any action has
 * loaded its implementation, so this module imports nothing but commander (../common.js opens the store
 * and builds models, and would load both).
 */
import { InvalidArgumentError } from "commander";

export function intOption(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${value}"`);
    return n;
  };
}

export function numberOption(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min)
      throw new InvalidArgumentError(`${name} must be a number ≥ ${min}, got "${value}"`);
    return n;
  };
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
