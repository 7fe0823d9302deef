/** Scan progress on stderr (only when stderr is a terminal, so pipes and CI logs stay clean). */
import { PART_CALLS, type ProgressEvent } from "@endpoint-auditor/core";

/**
 * One line for a collector progress event, or undefined for events not worth a line ("start").
 *
 * @example
 * ```ts
 * formatProgress({ region: "us-east-1", step: "vpcs", status: "done", items: 12, calls: 1 });
 * // "us-east-1  ec2:DescribeVpcs  12 items (1 call)"
 * ```
 */
export function formatProgress(event: ProgressEvent): string | undefined {
  const call = event.step === "accountId" ? "sts:GetCallerIdentity" : PART_CALLS[event.step];
  const calls = event.calls !== undefined ? ` (${event.calls} call${event.calls === 1 ? "" : "s"})` : "";
  switch (event.status) {
    case "start":
      return undefined;
    case "done": {
      const what = event.step === "endpointMetrics" ? "endpoints queried" : "items";
      return `${event.region}  ${call}  ${event.items ?? 0} ${what}${calls}`;
    }
    case "failed":
      return `${event.region}  ${call}  FAILED${calls}: ${event.message ?? "unknown error"}`;
  }
}
