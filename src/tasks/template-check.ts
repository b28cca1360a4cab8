/** A prompt template that leaves out the question would send every sample the same text: refuse it. */
import { UserError } from "../util/errors.js";

export function requirePlaceholders(task: string, template: string, names: string[]): string {
  const missing = names.filter((n) => !template.includes(`{${n}}`));
  if (missing.length)
    throw new UserError(
      `-T template for ${task} must contain ${missing.map((n) => `{${n}}`).join(" and ")} ` +
        `(where the sample's ${missing.join(" and ")} go${missing.length === 1 ? "es" : ""})`,
    );
  return template;
}
