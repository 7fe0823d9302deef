/*
 * vpc-flow-logs-enabled — AWS::EC2::VPC
 *
 * A flow log COUNTS when its FlowLogStatus is ACTIVE, its DeliverLogsStatus is not FAILED, and, if the
 * trafficType parameter is set, its TrafficType equals it or is ALL. Flow logs on network interfaces
 * never cover a VPC.
 *
 * Given a VPC owned by another account (shared to this one)
 *   Then NOT_APPLICABLE: its owner manages its flow logs.
 * Given a counting flow log on the VPC itself
 *   Then COMPLIANT naming it.
 * Given no VPC-level flow log but a counting one on every subnet of the VPC (at least one subnet)
 *   Then COMPLIANT: covered by subnet-level flow logs.
 * Given a flow log that would count but whose delivery FAILED
 *   Then it does not count, and the NON_COMPLIANT annotation quotes its DeliverLogsErrorMessage.
 * Given an ACTIVE flow log of another traffic type (e.g. REJECT when ACCEPT is asked)
 *   Then it does not count, and the annotation says so.
 * Given some subnets covered but not all, and nothing on the VPC
 *   Then NON_COMPLIANT naming the uncovered subnets.
 * Given a VPC with no subnets and no VPC-level flow log
 *   Then NON_COMPLIANT ("every subnet covered" needs at least one subnet).
 * Given nothing counts
 *   Then NON_COMPLIANT.
 */
import { Compliance, type Finding } from "../../evaluation";
import type { FlowLog } from "../../inventory/model";
import { flowLogsOn, subnetsOf } from "../../inventory/queries";
import { defineRule } from "../rule";
import { ANNOTATION_BUDGET, fitSentences, listIds } from "../format";
import { metadata } from "./metadata";

export const rule = defineRule({
  metadata,
  evaluate: ({ inventory, params }) => {
    const wanted = params.trafficType;
    const isActive = (f: FlowLog): boolean => (f.status ?? "").toUpperCase() === "ACTIVE";
    const typeMatches = (f: FlowLog): boolean => {
      if (wanted === undefined) return true;
      const type = (f.trafficType ?? "").toUpperCase();
      return type === wanted || type === "ALL";
    };
    const isFailing = (f: FlowLog): boolean => (f.deliverLogsStatus ?? "").toUpperCase() === "FAILED";
    const counts = (f: FlowLog): boolean => isActive(f) && typeMatches(f) && !isFailing(f);
    const logsOf = (resourceId: string): readonly FlowLog[] => flowLogsOn(inventory, resourceId);
    const typeText = wanted && wanted !== "ALL" ? `${wanted}/ALL ` : wanted === "ALL" ? "ALL " : "";

    const findings: Finding[] = [];
    for (const vpc of inventory.vpcs.values()) {
      if (vpc.ownerId !== inventory.accountId) {
        findings.push({
          resourceId: vpc.id,
          compliance: Compliance.NOT_APPLICABLE,
          annotation: `${vpc.id} is owned by account ${vpc.ownerId} and shared to this one; its owner manages its flow logs.`,
        });
        continue;
      }

      const vpcLogs = logsOf(vpc.id);
      const vpcLog = vpcLogs.find(counts);
      if (vpcLog) {
        const destination = vpcLog.logDestinationType ? ` to ${vpcLog.logDestinationType}` : "";
        findings.push({
          resourceId: vpc.id,
          compliance: Compliance.COMPLIANT,
          annotation: `Flow log ${vpcLog.id} (${vpcLog.trafficType ?? "traffic type not reported"}) on ${vpc.id} is active and delivering${destination}.`,
        });
        continue;
      }

      const subnets = subnetsOf(inventory, vpc.id);
      const uncovered = subnets.filter((s) => !logsOf(s.id).some(counts)).map((s) => s.id);
      if (subnets.length > 0 && uncovered.length === 0) {
        findings.push({
          resourceId: vpc.id,
          compliance: Compliance.COMPLIANT,
          annotation: `Covered by subnet-level flow logs: all ${subnets.length} subnet${subnets.length === 1 ? "" : "s"} of ${vpc.id} have an active, delivering flow log.`,
        });
        continue;
      }

      const allLogs = [...vpcLogs, ...subnets.flatMap((s) => logsOf(s.id))];
      const failing = allLogs.filter((f) => isActive(f) && typeMatches(f) && isFailing(f));
      const otherType = allLogs.filter((f) => isActive(f) && !typeMatches(f));
      const covered = subnets.length - uncovered.length;
      const reason = (maxIds: number): string => {
        if (subnets.length === 0) return `No ${typeText}flow log records ${vpc.id}, and it has no subnets to cover.`;
        if (covered > 0) {
          return `Flow logs cover only ${covered} of ${subnets.length} subnets of ${vpc.id} and not the VPC itself; uncovered: ${listIds(uncovered, maxIds)}.`;
        }
        return `No ${typeText}flow log records ${vpc.id} or its subnets.`;
      };
      const firstFailing = failing[0];
      const failingText = firstFailing
        ? `${firstFailing.id} on ${firstFailing.resourceId} fails to deliver: "${firstFailing.deliverLogsErrorMessage ?? "no error message given"}"` +
          `${failing.length > 1 ? ` (+${failing.length - 1} more failing)` : ""}.`
        : "";
      const firstOther = otherType[0];
      const otherText = firstOther && wanted ? `${firstOther.id} records ${firstOther.trafficType ?? "another type"} only; ${wanted} or ALL is required.` : "";
      const fix = `Fix: create a VPC flow log (${wanted ?? "ALL"}).`;
      // Name fewer uncovered subnets before dropping the quoted delivery error.
      let required = [reason(3), failingText];
      for (const maxIds of [2, 1]) {
        if (required.join(" ").length <= ANNOTATION_BUDGET) break;
        required = [reason(maxIds), failingText];
      }
      findings.push({
        resourceId: vpc.id,
        compliance: Compliance.NON_COMPLIANT,
        annotation: fitSentences(required, [otherText, fix]),
      });
    }
    return findings;
  },
});
