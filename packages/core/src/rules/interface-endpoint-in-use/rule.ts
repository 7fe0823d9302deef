/*
 * interface-endpoint-in-use — AWS::EC2::VPCEndpoint (Interface endpoints only)
 *
 * Given an endpoint that is not of type Interface (Gateway, GatewayLoadBalancer, …)
 *   Then it is not evaluated.
 * Given an Interface endpoint in state deleting or deleted
 *   Then it is not reported.
 * Given an Interface endpoint in state pendingAcceptance or pending
 *   Then NOT_APPLICABLE: waiting, it cannot carry traffic yet.
 * Given an Interface endpoint in state rejected, failed or expired
 *   Then NON_COMPLIANT: it can never carry traffic, delete it.
 * Given an Interface endpoint in a state this rule does not know
 *   Then NOT_APPLICABLE naming the state (never a guess).
 * Given an available (or partial) endpoint created less than minAgeDays ago
 *   Then NOT_APPLICABLE: too new to judge.
 * Given an available endpoint without a creation time that processed at most maxBytes
 *   Then NOT_APPLICABLE: its age cannot be told, so it is not called idle.
 * Given an available endpoint whose BytesProcessed in the last lookbackDays is at most maxBytes
 *   Then NON_COMPLIANT with its monthly cost (per AZ-hour × its AZs) as monthlySavingsUsd:
 *   "No traffic in 30 days; about $14.60/month for 2 AZs. Delete vpce-… or share it via a hub VPC."
 * Given an available endpoint that processed more than maxBytes
 *   Then COMPLIANT with the bytes processed in the window.
 * Given an endpoint that should be judged but whose traffic was not collected for the whole window
 *   Then the rule throws RuleEvaluationError (the region reports an error, never a guess).
 */
import { Compliance, type Finding } from "../../evaluation";
import { RuleEvaluationError } from "../../errors";
import type { VpcEndpoint } from "../../inventory/model";
import { endpointBytesBetween, endpointMetricsWindow } from "../../inventory/queries";
import { interfaceEndpointMonthlyUsd } from "../../pricing";
import { formatMonthlySavings } from "../../savings";
import { defineRule } from "../rule";
import { formatBytes, listIds, plural } from "../format";
import { metadata } from "./metadata";

const DAY_MS = 86_400_000;

/** States in which an endpoint can never carry traffic again. */
const DEAD_STATES = new Set(["rejected", "failed", "expired"]);
/** States that wait for the service (or its owner) before traffic can flow. */
const WAITING_STATES = new Set(["pendingAcceptance", "pending"]);
/** States not reported at all: the endpoint is going away. */
const GONE_STATES = new Set(["deleting", "deleted"]);
/** States in which traffic is judged. */
const OPERATING_STATES = new Set(["available", "partial"]);

function monthlyCost(region: string, endpoint: VpcEndpoint): { usd: number; text: string } {
  const azs = Math.max(endpoint.subnetIds.length, 1);
  const usd = interfaceEndpointMonthlyUsd(region, azs);
  return { usd, text: `${formatMonthlySavings(usd, { region })} for ${plural(azs, "AZ")}` };
}

export const rule = defineRule({
  metadata,
  evaluate: ({ inventory, params, now }) => {
    const findings: Finding[] = [];
    const unmeasured: string[] = [];
    const windowStart = new Date(now.getTime() - params.lookbackDays * DAY_MS);
    const minAgeMs = params.minAgeDays * DAY_MS;

    for (const endpoint of inventory.vpcEndpoints.values()) {
      if (endpoint.type !== "Interface") continue;
      const { id, state } = endpoint;
      if (GONE_STATES.has(state)) continue;

      if (WAITING_STATES.has(state)) {
        findings.push({
          resourceId: id,
          compliance: Compliance.NOT_APPLICABLE,
          annotation: `Waiting: ${id} is ${state}; it carries no traffic until the service accepts it. Judged once available.`,
        });
        continue;
      }
      if (DEAD_STATES.has(state)) {
        // A rejected, failed or expired endpoint has no network interfaces, so no AZ-hours are claimed as a saving.
        findings.push({
          resourceId: id,
          compliance: Compliance.NON_COMPLIANT,
          annotation: `${id} (${endpoint.serviceName}) is ${state} and can never carry traffic: delete it.`,
        });
        continue;
      }
      if (!OPERATING_STATES.has(state)) {
        findings.push({
          resourceId: id,
          compliance: Compliance.NOT_APPLICABLE,
          annotation: `${id} is in a state this rule does not recognise (${endpoint.rawState || state}); not judged.`,
        });
        continue;
      }

      const created = endpoint.creationTimestamp;
      const ageMs = created ? now.getTime() - created.getTime() : undefined;
      if (ageMs !== undefined && ageMs < minAgeMs) {
        const ageDays = Math.max(0, Math.floor(ageMs / DAY_MS));
        findings.push({
          resourceId: id,
          compliance: Compliance.NOT_APPLICABLE,
          annotation: `Too new to judge: ${id} was created ${plural(ageDays, "day")} ago (minAgeDays ${params.minAgeDays}).`,
        });
        continue;
      }

      const bytes = endpointBytesBetween(inventory, id, windowStart, now);
      if (bytes === undefined) {
        unmeasured.push(id);
        continue;
      }

      const window = `${params.lookbackDays} days`;
      if (bytes > params.maxBytes) {
        const threshold = params.maxBytes > 0 ? ` (idle threshold ${formatBytes(params.maxBytes)})` : "";
        findings.push({
          resourceId: id,
          compliance: Compliance.COMPLIANT,
          annotation: `In use: ${id} (${endpoint.serviceName}) processed ${formatBytes(bytes)} in the last ${window}${threshold}.`,
        });
        continue;
      }

      if (ageMs === undefined) {
        findings.push({
          resourceId: id,
          compliance: Compliance.NOT_APPLICABLE,
          annotation: `${id} processed ${formatBytes(bytes)} in ${window} but has no creation time, so it may be too new to judge; not judged.`,
        });
        continue;
      }

      const cost = monthlyCost(inventory.region, endpoint);
      // Younger than the window: say how long it has actually been idle.
      const span = ageMs < params.lookbackDays * DAY_MS ? `since it was created ${plural(Math.floor(ageMs / DAY_MS), "day")} ago` : `in ${window}`;
      const what = bytes === 0 ? `No traffic ${span}` : `Only ${formatBytes(bytes)} ${span} (idle threshold ${formatBytes(params.maxBytes)})`;
      findings.push({
        resourceId: id,
        compliance: Compliance.NON_COMPLIANT,
        annotation: `${what}; ${cost.text}. Delete ${id} (${endpoint.serviceName}) or share it via a hub VPC.`,
        monthlySavingsUsd: cost.usd,
      });
    }

    if (unmeasured.length > 0) {
      const window = endpointMetricsWindow(inventory);
      const collected = window ? `collected ${window.start.toISOString()} to ${window.end.toISOString()}` : "no endpoint traffic was collected";
      throw new RuleEvaluationError(
        { ruleId: metadata.id, region: inventory.region, accountId: inventory.accountId },
        `no BytesProcessed data covering the last ${params.lookbackDays} days for ${listIds(unmeasured, 5)} (${collected}); ` +
          "not judged rather than guessed",
      );
    }
    return findings;
  },
});
