/*
 * interface-endpoint-healthy — AWS::EC2::VPCEndpoint (Interface endpoints only)
 *
 * Given an endpoint that is not of type Interface
 *   Then it is not evaluated.
 * Given an Interface endpoint in state deleting or deleted
 *   Then it is not reported.
 * Given an Interface endpoint in any other state but available
 *   Then NOT_APPLICABLE naming the state.
 * Given an available endpoint created fewer than lookbackDays days ago
 *   Then NOT_APPLICABLE: its window is not complete yet.
 * Given an available endpoint whose PacketsDropped over the last lookbackDays days exceeds maxPacketsDropped
 *   Then NON_COMPLIANT with the count, the worst day and what to check (the 8,500-byte MTU along the path,
 *   the security groups, the service's health).
 * Given an available endpoint that dropped at most maxPacketsDropped (no datapoint at all = none)
 *   Then COMPLIANT with the count.
 * Given an endpoint without a creation time
 *   Then it is judged on the window all the same (dropped packets are dropped, however young the endpoint).
 * Given an endpoint that should be judged but whose PacketsDropped was not collected for the whole window
 *   Then the rule throws RuleEvaluationError (the region reports an error, never a guess).
 */
import { Compliance, type Finding } from "../../evaluation";
import { RuleEvaluationError } from "../../errors";
import { endpointMetricPoints, endpointMetricSum, endpointMetricsWindow } from "../../inventory/queries";
import { defineRule } from "../rule";
import { listIds, plural, serviceLabel } from "../format";
import { metadata } from "./metadata";

const DAY_MS = 86_400_000;
const METRIC = "PacketsDropped";
const GONE_STATES = new Set(["deleting", "deleted"]);

/** A count with thousands separators: 12,345. */
function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export const rule = defineRule({
  metadata,
  evaluate: ({ inventory, params, now }) => {
    const findings: Finding[] = [];
    const unmeasured: string[] = [];
    const windowMs = params.lookbackDays * DAY_MS;
    const start = new Date(now.getTime() - windowMs);
    const window = plural(params.lookbackDays, "day");
    const none = `No packets dropped in ${window}.`;

    for (const endpoint of inventory.vpcEndpoints.values()) {
      if (endpoint.type !== "Interface" || GONE_STATES.has(endpoint.state)) continue;
      const { id } = endpoint;
      if (endpoint.state !== "available") {
        const state = endpoint.state === "unknown" ? endpoint.rawState || endpoint.state : endpoint.state;
        findings.push({ resourceId: id, compliance: Compliance.NOT_APPLICABLE, annotation: `${id} is ${state}; it carries no traffic to drop. Judged once available.` });
        continue;
      }
      const created = endpoint.creationTimestamp;
      if (created && now.getTime() - created.getTime() < windowMs) {
        const ageDays = Math.max(0, Math.floor((now.getTime() - created.getTime()) / DAY_MS));
        findings.push({
          resourceId: id,
          compliance: Compliance.NOT_APPLICABLE,
          annotation: `Too new to judge: ${id} was created ${plural(ageDays, "day")} ago, within the ${window} window (lookbackDays ${params.lookbackDays}).`,
        });
        continue;
      }

      const total = endpointMetricSum(inventory, METRIC, id, start, now);
      if (total === undefined) {
        unmeasured.push(id);
        continue;
      }
      const threshold = params.maxPacketsDropped > 0 ? ` (maxPacketsDropped ${count(params.maxPacketsDropped)})` : "";
      if (total <= params.maxPacketsDropped) {
        findings.push({
          resourceId: id,
          compliance: Compliance.COMPLIANT,
          annotation: total === 0 ? none : `${count(total)} packets dropped in ${window}${threshold}.`,
        });
        continue;
      }
      // The worst day (only for the few that dropped packets).
      let worst: { timestamp: Date; value: number } | undefined;
      for (const p of endpointMetricPoints(inventory, METRIC, id, start, now) ?? []) if (p.value > 0 && (!worst || p.value > worst.value)) worst = p;
      const worstDay = worst ? ` (worst ${worst.timestamp.toISOString().slice(0, 10)}: ${count(worst.value)})` : "";
      const label = serviceLabel(endpoint.serviceName, inventory.region);
      findings.push({
        resourceId: id,
        compliance: Compliance.NON_COMPLIANT,
        annotation:
          `${count(total)} packets dropped in ${window}${worstDay}${threshold}. Check the MTU on the path (endpoints drop packets over 8,500 bytes, ` +
          `no ICMP 'fragmentation needed'), its security groups and ${label}'s health.`,
      });
    }

    if (unmeasured.length > 0) {
      const collected = endpointMetricsWindow(inventory);
      const range = collected ? `collected ${collected.start.toISOString()} to ${collected.end.toISOString()}` : "no endpoint metrics were collected";
      throw new RuleEvaluationError(
        { ruleId: metadata.id, region: inventory.region, accountId: inventory.accountId },
        `no ${METRIC} data covering the last ${window} for ${listIds(unmeasured, 5)} (${range}); not judged rather than guessed`,
      );
    }
    return findings;
  },
});
