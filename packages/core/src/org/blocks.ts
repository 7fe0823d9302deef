/**
 * Block Kit rendering of the organization digest for a Slack incoming webhook, within the limits the
 * per-account digest keeps (`SLACK_LIMITS`: a `text` fallback, at most 50 blocks, sections ≤ 3000
 * characters, header ≤ 150): per rule the open, new and resolved findings and the waste; the accounts with
 * the most waste as a table; the top offenders with account and region; the rules not reporting somewhere;
 * what could not be read. Long lists end with "…and N more". Pure functions.
 */
import { andMore, clampText, escapeMrkdwn, fitLines, formatDollars, SLACK_LIMITS, type ContextBlock, type HeaderBlock, type SlackBlock, type SlackMessage } from "../digest/blocks";
import { plural } from "../rules/format";
import type { NotReporting, OrgAccountLine, OrgDigest, OrgOffender, OrgRuleLine } from "./model";

/** Rendering options (tests lower `maxBlocks` to check the overflow). */
export interface OrgRenderOptions {
  /** Blocks allowed (default and maximum 50). */
  maxBlocks?: number;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function when(iso: string | undefined): string {
  return iso ? `${iso.slice(0, 16).replace("T", " ")} UTC` : "unknown";
}

function ruleLine(rule: OrgRuleLine, digest: OrgDigest): string {
  const title = rule.title ? ` — ${escapeMrkdwn(rule.title)}` : "";
  const counts = [`${rule.open} open`];
  if (digest.hasHistory) counts.push(`${rule.newThisWeek} new`, `${rule.resolvedThisWeek} resolved`);
  if (rule.monthlyWasteUsd > 0) counts.push(`${formatDollars(rule.monthlyWasteUsd)}/month`);
  counts.push(`in ${plural(rule.accountsWithFindings, "account")} (reports in ${rule.sources} account-region${rule.sources === 1 ? "" : "s"})`);
  if (rule.notReporting > 0) counts.push(`:warning: ${rule.notReporting} not reporting`);
  return clampText(`*${escapeMrkdwn(rule.ruleId)}*${title}\n${counts.join(" · ")}`, SLACK_LIMITS.sectionText);
}

/** The per-account table, monospaced. */
function accountTable(accounts: readonly OrgAccountLine[], more: number, hasHistory: boolean): string {
  const head = hasHistory ? ["ACCOUNT", "OPEN", "NEW", "RESOLVED", "$/MONTH"] : ["ACCOUNT", "OPEN", "$/MONTH"];
  const rows = accounts.map((a) => {
    const cells = [a.accountId, String(a.open)];
    if (hasHistory) cells.push(String(a.newThisWeek), String(a.resolvedThisWeek));
    cells.push(a.monthlyWasteUsd > 0 ? formatDollars(a.monthlyWasteUsd) : "—");
    return cells;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const title = "*Accounts with the most waste*";
  const fence = "```";
  // Rows that do not fit go to "…and N more" below the table.
  const budget = SLACK_LIMITS.sectionText - title.length - 2 * fence.length - 40;
  const lines = [line(head)];
  let used = lines[0]!.length;
  let shown = 0;
  for (const row of rows) {
    const text = line(row);
    if (used + 1 + text.length > budget) break;
    lines.push(text);
    used += 1 + text.length;
    shown++;
  }
  const hidden = rows.length - shown + more;
  return `${title}\n${fence}\n${lines.join("\n")}\n${fence}${hidden > 0 ? `\n${andMore(hidden, "accounts")}` : ""}`;
}

function offenderLine(o: OrgOffender): string {
  const isNew = o.isNew ? " :new:" : "";
  return clampText(
    `• *${formatDollars(o.monthlySavingsUsd)}/mo* \`${escapeMrkdwn(o.resourceId)}\` ${o.accountId} · ${escapeMrkdwn(o.region)} (${escapeMrkdwn(o.ruleId)})${isNew} — ${escapeMrkdwn(o.annotation)}`,
    600,
  );
}

function notReportingLine(n: NotReporting): string {
  const where = `• ${escapeMrkdwn(n.ruleId)} in ${n.accountId} · ${escapeMrkdwn(n.region)}`;
  if (n.reason === "gone") {
    const open = n.previouslyOpen ? `; its ${plural(n.previouslyOpen, "open finding")} are not counted as resolved` : "";
    return `${where}: no results any more (last evaluation ${when(n.lastEvaluatedAt)})${open}`;
  }
  if (n.reason === "unknown") return `${where}: evaluation time unknown`;
  return `${where}: last evaluation ${when(n.lastEvaluatedAt)}`;
}

function summaryText(digest: OrgDigest): string {
  const t = digest.totals;
  const first = [`*${plural(t.open, "open finding")}* in ${plural(t.accountsWithFindings, "account")}`];
  if (digest.hasHistory) first.push(`${t.newThisWeek} new`, `${t.resolvedThisWeek} resolved since ${day(digest.comparedWith ?? digest.since)}`);
  const lines = [first.join(" · ")];
  if (t.monthlyWasteUsd > 0) lines.push(`*${formatDollars(t.monthlyWasteUsd)}/month* estimated waste`);
  if (!digest.hasHistory) lines.push(digest.historyNote ? `_No comparison this week: ${escapeMrkdwn(digest.historyNote)}._` : "_First run: new and resolved findings are counted from next week._");
  return lines.join("\n");
}

/**
 * The `text` fallback of the organization digest.
 *
 * @example
 * ```ts
 * orgFallbackText(digest); // "Endpoint audit, organization (aggregator org): 42 open findings in 7 accounts (5 new, 3 resolved), $812.40/month estimated waste."
 * ```
 */
export function orgFallbackText(digest: OrgDigest): string {
  const t = digest.totals;
  const where = `Endpoint audit, organization (aggregator ${digest.aggregatorName})`;
  const warnings: string[] = [];
  if (digest.notReporting.length > 0) warnings.push(`${digest.notReporting.length} not reporting`);
  if (digest.unread.length > 0) warnings.push(`${digest.unread.length} not read`);
  let text: string;
  if (digest.allClear) {
    text = `${where}: all clear, no open findings in ${plural(t.accounts, "account")}.`;
  } else {
    const changes = digest.hasHistory ? ` (${t.newThisWeek} new, ${t.resolvedThisWeek} resolved)` : "";
    const waste = t.monthlyWasteUsd > 0 ? `, ${formatDollars(t.monthlyWasteUsd)}/month estimated waste` : "";
    text = `${where}: ${plural(t.open, "open finding")} in ${plural(t.accountsWithFindings, "account")}${changes}${waste}${warnings.length > 0 ? `; ${warnings.join(", ")}` : ""}.`;
  }
  return clampText(escapeMrkdwn(text), SLACK_LIMITS.fallbackText);
}

/**
 * Renders the organization digest as one incoming-webhook message. Every limit of `SLACK_LIMITS` holds
 * whatever the organization's size.
 *
 * @example
 * ```ts
 * await postToWebhook(url, renderOrgSlackMessage(digest));
 * ```
 */
export function renderOrgSlackMessage(digest: OrgDigest, options: OrgRenderOptions = {}): SlackMessage {
  const maxBlocks = Math.min(options.maxBlocks ?? SLACK_LIMITS.blocksPerMessage, SLACK_LIMITS.blocksPerMessage);
  const t = digest.totals;
  const header: HeaderBlock = {
    type: "header",
    text: { type: "plain_text", text: clampText(`Endpoint audit: organization · ${digest.aggregatorName}`, SLACK_LIMITS.headerText), emoji: true },
  };
  const context: ContextBlock = {
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: clampText(
          `${day(digest.since)} → ${day(digest.until)} (UTC) · ${plural(t.accounts, "account")}, ${plural(t.regions, "region")} · aggregator ${escapeMrkdwn(digest.aggregatorName)} in ${escapeMrkdwn(digest.aggregatorRegion)}`,
          SLACK_LIMITS.sectionText,
        ),
      },
    ],
  };
  const text = orgFallbackText(digest);
  if (digest.allClear) {
    return {
      text,
      blocks: [header, context, { type: "section", text: { type: "mrkdwn", text: ":white_check_mark: *All clear.* No open findings, nothing resolved, every rule reporting." } }],
    };
  }

  const head: SlackBlock[] = [header, context, { type: "section", text: { type: "mrkdwn", text: clampText(summaryText(digest), SLACK_LIMITS.sectionText) } }];
  const tail: SlackBlock[] = [];
  const section = (body: string): void => {
    tail.push({ type: "section", text: { type: "mrkdwn", text: body } });
  };
  if (digest.accounts.length > 0) {
    tail.push({ type: "divider" });
    section(accountTable(digest.accounts, digest.moreAccounts, digest.hasHistory));
  }
  if (digest.topOffenders.length > 0 || digest.moreOffenders > 0) {
    section(fitLines("*Top offenders by monthly saving*", digest.topOffenders.map(offenderLine), SLACK_LIMITS.sectionText, digest.moreOffenders));
  }
  if (digest.notReporting.length > 0) {
    section(
      fitLines(
        `:warning: *Not reporting* (no evaluation within ${digest.staleAfterHours} h — twice the rules' frequency — or no results any more)`,
        digest.notReporting.map(notReportingLine),
        SLACK_LIMITS.sectionText,
      ),
    );
  }
  if (digest.unread.length > 0) {
    const lines = digest.unread.map((f) => clampText(`• ${escapeMrkdwn(f.ruleId)}${f.accountId ? ` in ${f.accountId} · ${escapeMrkdwn(f.region ?? "")}` : ""}: ${escapeMrkdwn(f.message)}`, 500));
    section(fitLines(":warning: *Not read this week* (last week's findings are kept for these)", lines, SLACK_LIMITS.sectionText));
  }
  tail.push({ type: "context", elements: [{ type: "mrkdwn", text: "Savings are estimates from AWS list prices, read from each finding's annotation. Sent by endpoint-auditor." }] });

  // Rules fill what is left of the block budget; one block is kept for "…and N more rules".
  const ruleBlocks: SlackBlock[] = [];
  if (digest.rules.length > 0) {
    const room = maxBlocks - head.length - tail.length - 1;
    const fits = digest.rules.length <= room;
    const shown = fits ? digest.rules : digest.rules.slice(0, Math.max(0, room - 1));
    ruleBlocks.push({ type: "divider" });
    for (const rule of shown) ruleBlocks.push({ type: "section", text: { type: "mrkdwn", text: ruleLine(rule, digest) } });
    if (!fits) ruleBlocks.push({ type: "context", elements: [{ type: "mrkdwn", text: andMore(digest.rules.length - shown.length, "rules") }] });
  }
  return { text, blocks: [...head, ...ruleBlocks, ...tail].slice(0, maxBlocks) };
}
