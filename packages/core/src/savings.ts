/**
 * The one way an annotation says what fixing a finding saves per month — "about $14.60/month", plus
 * " at us-east-1 prices" where the region has no price table of its own — and the one way to read it back.
 *
 * Rules write the phrase with {@link formatMonthlySavings}; whoever only has the annotation (the
 * organization digest reads AWS Config's aggregated evaluation results, which carry the annotation but not
 * our `monthlySavingsUsd`) reads it with {@link parseMonthlySavings}. The two are tested against each other
 * and against every rule's annotations, so a new rule that uses the formatter is read back exactly.
 */
import { formatUsd, pricesFor } from "./pricing";

/** The phrase around the amount: `about $<dollars>.<cents>/month`. */
const SAVINGS_PATTERN = /about \$(\d+\.\d{2})\/month/g;

/** What the price basis note says when a region has no price table of its own. */
export const FALLBACK_PRICES_NOTE = " at us-east-1 prices";

/**
 * The monthly saving as annotations write it: `about $14.60/month`, followed by " at us-east-1 prices"
 * when `region` is given and has no price table of its own (its figure is us-east-1's).
 *
 * @throws RangeError when `usd` is negative, not finite, or has more than cents (annotations never
 *   show a figure that reads back as another one).
 * @example
 * ```ts
 * formatMonthlySavings(14.6); // "about $14.60/month"
 * formatMonthlySavings(14.6, { region: "ap-south-2" }); // "about $14.60/month at us-east-1 prices"
 * ```
 */
export function formatMonthlySavings(usd: number, options: { region?: string } = {}): string {
  if (!Number.isFinite(usd) || usd < 0) throw new RangeError(`A monthly saving must be a finite amount ≥ 0, got ${usd}`);
  if (Math.abs(Math.round(usd * 100) - usd * 100) > 1e-6) throw new RangeError(`A monthly saving is in whole cents, got ${usd}`);
  const basis = options.region !== undefined && !pricesFor(options.region).exact ? FALLBACK_PRICES_NOTE : "";
  return `about ${formatUsd(usd)}/month${basis}`;
}

/**
 * The monthly saving an annotation states (written by {@link formatMonthlySavings}), or `undefined` when it
 * states none — or states two different ones, which no rule writes and which is not guessed at. A
 * saving cut off by AWS Config's 256-character limit is not there, so it is `undefined` too.
 *
 * @example
 * ```ts
 * parseMonthlySavings("No traffic in 30 days; about $14.60/month for 2 AZs. Delete vpce-0a1b…"); // 14.6
 * parseMonthlySavings("No flow log records vpc-0a1b or its subnets."); // undefined
 * ```
 */
export function parseMonthlySavings(annotation: string): number | undefined {
  const amounts = new Set<string>();
  for (const match of annotation.matchAll(SAVINGS_PATTERN)) amounts.add(match[1] as string);
  if (amounts.size !== 1) return undefined;
  const [amount] = amounts;
  return Number(amount);
}
