/**
 * What a run costs and when it must stop spending: dollars from the token counters of the model and the
 * judge at their prices (prices.ts), `--cost-limit` and `--token-limit` checked after every sample of
 * this invocation (calls still in flight are cancelled, so the spend can pass the limit by those).
 */
import { BUDGET_STOP_EXIT, type RunControl, RunStop } from "../scheduler/run-control.js";
import { UserError } from "../util/errors.js";
import type { Model } from "./model.js";
import { costOf, formatUsd, type Price, priceOf } from "./prices.js";

export interface PricedModel {
  role: "model" | "judge";
  model: Model;
  price: Price | undefined;
}

export interface PriceOverrides {
  /** `--price in=…,out=…`: the model under test. */
  model?: Price;
  /** `--judge-price in=…,out=…`. */
  judge?: Price;
  /** Entries of a price file, by model name or prefix. */
  table?: Record<string, Price>;
}

/** Each role's price: an override, else the table's. */
export function pricedModels(
  models: { model: Model; judge?: Model | undefined },
  o: PriceOverrides,
): PricedModel[] {
  const out: PricedModel[] = [
    { role: "model", model: models.model, price: o.model ?? priceOf(models.model.id, o.table) },
  ];
  if (models.judge)
    out.push({ role: "judge", model: models.judge, price: o.judge ?? priceOf(models.judge.id, o.table) });
  return out;
}

/** Dollars for each priced role's token counts; undefined when no role has a price. */
export function spentUsd(roles: PricedModel[]): number | undefined {
  let total: number | undefined;
  for (const r of roles)
    if (r.price)
      total = (total ?? 0) + costOf(r.price, r.model.stats.inputTokens, r.model.stats.outputTokens);
  return total;
}

export class BudgetControl implements RunControl {
  constructor(
    private readonly roles: PricedModel[],
    private readonly limits: { costUsd?: number | undefined; tokens?: number | undefined },
  ) {
    if (limits.costUsd !== undefined) {
      const unpriced = roles.filter((r) => !r.price).map((r) => r.model.id);
      if (unpriced.length)
        throw new UserError(
          `--cost-limit needs a price for ${unpriced.join(" and ")}: give --price / --judge-price in=<USD>,out=<USD> (per 1M tokens) or --prices FILE.json`,
        );
    }
  }

  tokens(): number {
    return this.roles.reduce((n, r) => n + r.model.stats.inputTokens + r.model.stats.outputTokens, 0);
  }

  afterUnit(): RunStop | undefined {
    const { costUsd, tokens } = this.limits;
    const used = this.tokens();
    if (tokens !== undefined && used >= tokens)
      return new RunStop(
        `stopped: --token-limit ${tokens} reached (${used} tokens used)`,
        "resume",
        BUDGET_STOP_EXIT,
      );
    const spent = spentUsd(this.roles);
    if (costUsd !== undefined && spent !== undefined && spent >= costUsd)
      return new RunStop(
        `stopped: --cost-limit ${formatUsd(costUsd)} reached (${formatUsd(spent)} spent)`,
        "resume",
        BUDGET_STOP_EXIT,
      );
    return undefined;
  }

  detail(): string | undefined {
    const spent = spentUsd(this.roles);
    if (spent === undefined) return undefined;
    const partial = this.roles.some((r) => !r.price) ? " (priced roles only)" : "";
    return `cost ${formatUsd(spent)}${this.limits.costUsd !== undefined ? `/${formatUsd(this.limits.costUsd)}` : ""}${partial}`;
  }
}

/** A stored run's cost from its token totals (all invocations), or undefined when nothing is priced. */
export function runCost(
  tokens: { input: number; output: number; judgeInput: number; judgeOutput: number },
  prices: { model?: Price | undefined; judge?: Price | undefined },
): { usd: number; partial: boolean } | undefined {
  const parts: number[] = [];
  let partial = false;
  if (prices.model) parts.push(costOf(prices.model, tokens.input, tokens.output));
  else if (tokens.input + tokens.output > 0) partial = true;
  if (prices.judge) parts.push(costOf(prices.judge, tokens.judgeInput, tokens.judgeOutput));
  else if (tokens.judgeInput + tokens.judgeOutput > 0) partial = true;
  return parts.length ? { usd: parts.reduce((a, b) => a + b, 0), partial } : undefined;
}

/**
 * A stored run's cost at the price table's prices (no overrides), for `show`, `runs`, reports and the
 * viewer; undefined when neither the model nor the judge has a price (local models) or no tokens are known.
 */
export function tableCost(run: {
  manifest: { model: { id: string }; judge?: { id: string } | undefined };
  summary: unknown;
}): { usd: number; partial: boolean } | undefined {
  const tokens = (run.summary as { tokens?: Parameters<typeof runCost>[0] } | null | undefined)?.tokens;
  if (!tokens) return undefined;
  return runCost(tokens, {
    model: priceOf(run.manifest.model.id),
    judge: run.manifest.judge ? priceOf(run.manifest.judge.id) : undefined,
  });
}
