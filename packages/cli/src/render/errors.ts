/**
 * Errors as people read them: one failed list once, with the rules it blocked (not once per rule); a region
 * where every call failed the same way as one line; an account that could not be read as one line.
 */
import { isInventoryPart, partSpec, type FailedPart } from "@endpoint-auditor/core";
import type { ReportError } from "./common";

/** The failed parts that are causes: a part that failed only because a part it depends on failed is left out. */
function rootCauses(parts: readonly FailedPart[]): FailedPart[] {
  const failed = new Set(parts.map((p) => p.part));
  return parts.filter((p) => !(isInventoryPart(p.part) ? (partSpec(p.part).after ?? []) : []).some((d) => failed.has(d)));
}

/** One thing that went wrong, and what it kept from being evaluated. */
export interface ErrorGroup {
  accountId?: string;
  /** Absent for an account that could not be read at all. */
  region?: string;
  /** The failed call(s), e.g. `ec2:DescribeFlowLogs` (several when a whole region failed). */
  calls: string[];
  code?: string;
  message: string;
  /** The rules this kept from being evaluated (empty for account-level failures: all of them). */
  rules: string[];
}

/** AWS error codes that mean "this region is not enabled for the account" (or not reachable with these credentials). */
const REGION_DISABLED_CODES = new Set(["AuthFailure", "UnrecognizedClientException", "OptInRequired", "InvalidClientTokenId"]);

const NOT_EVALUATED = /^not evaluated: /;

function key(...parts: (string | undefined)[]): string {
  return parts.map((p) => p ?? "").join("\u0000");
}

/**
 * Groups errors for display.
 *
 * @example
 * ```ts
 * groupErrors(report.errors).map((g) => `${g.region}: ${g.message} (blocked ${g.rules.join(", ")})`);
 * ```
 */
export function groupErrors(errors: readonly ReportError[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  const add = (g: Omit<ErrorGroup, "rules">, rule: string | undefined, k: string): void => {
    let group = groups.get(k);
    if (!group) {
      group = { ...g, rules: [] };
      groups.set(k, group);
    }
    if (rule !== undefined && !group.rules.includes(rule)) group.rules.push(rule);
  };
  for (const e of errors) {
    if (e.failedParts && e.failedParts.length > 0) {
      for (const p of rootCauses(e.failedParts)) {
        const message = `${p.call} failed: ${p.message}`;
        add(
          { ...(e.accountId ? { accountId: e.accountId } : {}), ...(e.region ? { region: e.region } : {}), calls: [p.call], ...(p.code ? { code: p.code } : {}), message },
          e.ruleId,
          key(e.accountId, e.region, p.call, p.message),
        );
      }
    } else {
      const message = e.message.replace(NOT_EVALUATED, "");
      add(
        {
          ...(e.accountId ? { accountId: e.accountId } : {}),
          ...(e.region ? { region: e.region } : {}),
          calls: e.call ? [e.call] : [],
          ...(e.code ? { code: e.code } : {}),
          message,
        },
        e.ruleId,
        key(e.accountId, e.region, e.call, message),
      );
    }
  }
  // A region in which every list failed with the same "not enabled" code is one line.
  const out: ErrorGroup[] = [];
  const byRegion = new Map<string, ErrorGroup[]>();
  for (const g of groups.values()) {
    if (g.region === undefined || g.code === undefined || !REGION_DISABLED_CODES.has(g.code)) {
      out.push(g);
      continue;
    }
    const k = key(g.accountId, g.region, g.code);
    const list = byRegion.get(k) ?? [];
    if (list.length === 0) out.push(g); // placeholder position, replaced below
    list.push(g);
    byRegion.set(k, list);
  }
  return out.map((g) => {
    if (g.region === undefined || g.code === undefined || !REGION_DISABLED_CODES.has(g.code)) return g;
    const list = byRegion.get(key(g.accountId, g.region, g.code)) ?? [g];
    if (list.length < 2) return { ...g, message: `${g.message} (is ${g.region} enabled for the account?)` };
    const calls = [...new Set(list.flatMap((x) => x.calls))];
    const rules = [...new Set(list.flatMap((x) => x.rules))];
    const detail = g.message.replace(/^[a-z0-9]+:[A-Za-z]+ failed: /, "");
    return {
      ...g,
      calls,
      rules,
      message: `every call failed with ${g.code} (${calls.join(", ")}): ${detail} — is ${g.region} enabled for the account?`,
    };
  });
}

/** Where an error group belongs: `111111111111 eu-west-1`, `eu-west-1`, or `111111111111`. */
export function errorPlace(group: ErrorGroup, withAccount: boolean): string {
  return [withAccount || group.region === undefined ? group.accountId : undefined, group.region].filter((p) => p !== undefined).join(" ") || "(scan)";
}

/** "blocked vpc-flow-logs-enabled, …" or "" when the group blocked no particular rule. */
export function blockedText(group: ErrorGroup): string {
  if (group.region === undefined && group.rules.length === 0) return "account not scanned";
  return group.rules.length > 0 ? `not evaluated: ${group.rules.join(", ")}` : "";
}
