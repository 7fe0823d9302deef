/**
 * Block Kit rendering of a digest for a Slack incoming webhook, within Slack's limits: a `text`
 * fallback always, at most 50 blocks, section text ≤ 3000 characters, header ≤ 150. Long lists end
 * with "…and N more" instead of failing. Pure functions.
 */
import type { Digest, ExemptionLine, Offender, RuleDigest } from "./model";
import { exemptionSummary, notReportingSummary } from "./reporting";

/** Slack's documented limits that the renderer keeps. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  /** Not a Slack limit: the fallback text (notifications) is kept short on purpose. */
  fallbackText: 1000,
} as const;

export interface SlackTextObject {
  type: "mrkdwn" | "plain_text";
  text: string;
  emoji?: boolean;
}
export interface HeaderBlock {
  type: "header";
  text: { type: "plain_text"; text: string; emoji?: boolean };
}
export interface SectionBlock {
  type: "section";
  text: SlackTextObject;
}
export interface ContextBlock {
  type: "context";
  elements: SlackTextObject[];
}
export interface DividerBlock {
  type: "divider";
}
export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | DividerBlock;

/** An incoming-webhook payload. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export interface RenderOptions {
  /** Cap on top offender lines (default: all the digest kept). */
  maxOffenders?: number;
  /** Cap on "not evaluated" lines (default 10). */
  maxErrors?: number;
  /** Blocks allowed (default and maximum 50; lower only to test the overflow). */
  maxBlocks?: number;
}

const USD = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/**
 * Formats dollars, e.g. `$1,234.50`.
 *
 * @example
 * ```ts
 * formatDollars(1234.5); // "$1,234.50"
 * ```
 */
export function formatDollars(value: number): string {
  return USD.format(value);
}

/**
 * Escapes the three characters Slack's mrkdwn reserves (`&`, `<`, `>`), so user text cannot create
 * links or mentions.
 *
 * @example
 * ```ts
 * escapeMrkdwn("<!channel> & co"); // "&lt;!channel&gt; &amp; co"
 * ```
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Cuts text to `max` characters, ending a cut one with "…".
 *
 * @example
 * ```ts
 * clampText("abcdef", 4); // "abc…"
 * ```
 */
export function clampText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/**
 * "…and N more", with a noun when given.
 *
 * @example
 * ```ts
 * andMore(3, "rules"); // "…and 3 more rules"
 * ```
 */
export function andMore(count: number, noun?: string): string {
  return `…and ${count} more${noun ? ` ${noun}` : ""}`;
}

/**
 * Joins `head` and as many `lines` as fit in `max` characters; when some do not fit (or `hidden` more
 * exist beyond `lines`), the text ends with "…and N more". Never exceeds `max`.
 *
 * @example
 * ```ts
 * fitLines("*Top*", ["a", "b", "c"], 100); // "*Top*\na\nb\nc"
 * fitLines("*Top*", ["a", "b", "c"], 100, 5); // "*Top*\na\nb\nc\n…and 5 more"
 * ```
 */
export function fitLines(head: string, lines: readonly string[], max: number, hidden = 0): string {
  const parts = head ? [head] : [];
  let length = head.length;
  let shown = 0;
  for (const line of lines) {
    const remainingAfter = lines.length - shown - 1 + hidden;
    const tail = remainingAfter > 0 ? 1 + andMore(remainingAfter).length : 0;
    const add = (parts.length > 0 ? 1 : 0) + line.length;
    if (length + add + tail > max) break;
    parts.push(line);
    length += add;
    shown += 1;
  }
  const remaining = lines.length - shown + hidden;
  if (remaining > 0) parts.push(andMore(remaining));
  return clampText(parts.join("\n"), max);
}

function accountLabel(digest: Digest): string {
  return digest.accountAlias ? `${digest.accountAlias} (${digest.accountId})` : digest.accountId;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function ruleLine(rule: RuleDigest, hasHistory: boolean): string {
  const name = `*<${rule.consoleUrl}|${escapeMrkdwn(rule.ruleId)}>*`;
  const title = rule.title ? ` — ${escapeMrkdwn(rule.title)}` : "";
  const counts = [`${rule.nonCompliant} non-compliant`];
  if (hasHistory) counts.push(`${rule.newThisWeek} new`, `${rule.resolvedThisWeek} resolved`);
  if (rule.monthlyWasteUsd > 0) counts.push(`${formatDollars(rule.monthlyWasteUsd)}/month`);
  return clampText(`${name}${title}\n${counts.join(" · ")}`, SLACK_LIMITS.sectionText);
}

function offenderLine(o: Offender): string {
  const isNew = o.isNew ? " :new:" : "";
  const line = `• *${formatDollars(o.monthlySavingsUsd)}/mo* \`${escapeMrkdwn(o.resourceId)}\` (${escapeMrkdwn(o.ruleId)})${isNew} — ${escapeMrkdwn(o.annotation)}`;
  return clampText(line, 600);
}

function summaryText(digest: Digest): string {
  const t = digest.totals;
  const silent = digest.notReporting.length > 0 ? `\n:rotating_light: *${plural(digest.notReporting.length, "rule")} not reporting*: the findings may be out of date.` : "";
  if (t.nonCompliant === 0 && t.resolvedThisWeek > 0 && silent === "") {
    return `:tada: *No open findings.* ${plural(t.resolvedThisWeek, "finding")} resolved this week.`;
  }
  const first = [`*${plural(t.nonCompliant, "open finding")}*`];
  if (digest.hasHistory) first.push(`${t.newThisWeek} new this week`, `${t.resolvedThisWeek} resolved this week`);
  if (digest.exemptionsInForce > 0) first.push(`${digest.exemptionsInForce} exempt`);
  const lines = [first.join(" · ")];
  if (t.monthlyWasteUsd > 0) lines.push(`*${formatDollars(t.monthlyWasteUsd)}/month* estimated waste`);
  return `${lines.join("\n")}${silent}`;
}

function exemptionLine(line: ExemptionLine): string {
  return clampText(`• ${escapeMrkdwn(exemptionSummary(line))}`, 500);
}

/**
 * The `text` fallback (notifications, screen readers, clients without Block Kit).
 *
 * @example
 * ```ts
 * fallbackText(digest); // "Endpoint audit 123456789012 eu-west-1: 3 open findings (1 new, 2 resolved this week), $43.80/month estimated waste."
 * ```
 */
export function fallbackText(digest: Digest): string {
  const where = `Endpoint audit ${accountLabel(digest)} ${digest.region}`;
  const t = digest.totals;
  let text: string;
  if (digest.allClear) {
    text = `${where}: all clear, no open findings.`;
  } else {
    const silent = digest.notReporting.length > 0 ? `${plural(digest.notReporting.length, "rule")} NOT REPORTING; ` : "";
    const changes = digest.hasHistory ? ` (${t.newThisWeek} new, ${t.resolvedThisWeek} resolved this week)` : "";
    const waste = t.monthlyWasteUsd > 0 ? `, ${formatDollars(t.monthlyWasteUsd)}/month estimated waste` : "";
    const errors = digest.errors.length > 0 ? `, ${plural(digest.errors.length, "rule")} not evaluated` : "";
    const exempted = digest.exemptedThisWeek.length > 0 ? `, ${digest.exemptedThisWeek.length} exempted this week` : "";
    text = `${where}: ${silent}${plural(t.nonCompliant, "open finding")}${changes}${waste}${errors}${exempted}.`;
  }
  return clampText(escapeMrkdwn(text), SLACK_LIMITS.fallbackText);
}

/**
 * Renders a digest as a Slack incoming-webhook payload: header (account and region), the window,
 * a summary (open, new, resolved, exempt, waste), the rules not reporting (right under the summary), one
 * section per rule with a link to the AWS Config console, the top offenders by saving with their
 * annotation, rules that could not be evaluated, exemptions granted this week and expiring soon, and a footer.
 * An all-clear digest renders as a short all-clear message. Every limit in {@link SLACK_LIMITS} holds
 * whatever the digest's size.
 *
 * @example
 * ```ts
 * const message = renderSlackMessage(buildDigest(input));
 * await postToWebhook(url, message);
 * ```
 */
export function renderSlackMessage(digest: Digest, options: RenderOptions = {}): SlackMessage {
  const maxBlocks = Math.min(options.maxBlocks ?? SLACK_LIMITS.blocksPerMessage, SLACK_LIMITS.blocksPerMessage);
  const header: HeaderBlock = {
    type: "header",
    text: {
      type: "plain_text",
      text: clampText(`Endpoint audit: ${accountLabel(digest)} · ${digest.region}`, SLACK_LIMITS.headerText),
      emoji: true,
    },
  };
  const windowNote = `${day(digest.since)} → ${day(digest.until)} (UTC)${digest.hasHistory ? "" : " · current state only, no history"}`;
  const windowBlock: ContextBlock = { type: "context", elements: [{ type: "mrkdwn", text: windowNote }] };
  const text = fallbackText(digest);

  const retiredNote = digest.retired
    ? clampText(
        `Closed ${plural(digest.retired.count, "open finding")} of rules no longer deployed (${escapeMrkdwn(digest.retired.ruleIds.join(", "))}).`,
        500,
      )
    : undefined;
  if (digest.allClear) {
    const blocks: SlackBlock[] = [
      header,
      windowBlock,
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `:white_check_mark: *All clear.* ${digest.reportingChecked ? "Every rule reported; no" : "No"} open findings and nothing resolved this week.`,
        },
      },
    ];
    if (retiredNote) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: retiredNote }] });
    return { text, blocks };
  }

  const head: SlackBlock[] = [
    header,
    windowBlock,
    { type: "section", text: { type: "mrkdwn", text: clampText(summaryText(digest), SLACK_LIMITS.sectionText) } },
  ];
  if (digest.notReporting.length > 0) {
    const lines = digest.notReporting.map((r) =>
      clampText(`• \`${escapeMrkdwn(r.configRuleName)}\` (${escapeMrkdwn(r.ruleId)}): ${escapeMrkdwn(notReportingSummary(r))}`, 800),
    );
    head.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: fitLines(
          ":rotating_light: *Not reporting* — no successful run within twice the rule's period; AWS Config still shows its last verdicts",
          lines,
          SLACK_LIMITS.sectionText,
        ),
      },
    });
  }
  const tail: SlackBlock[] = [];
  const offenders = options.maxOffenders !== undefined ? digest.topOffenders.slice(0, options.maxOffenders) : digest.topOffenders;
  const hiddenOffenders = digest.topOffenders.length - offenders.length + digest.moreOffenders;
  if (offenders.length > 0 || hiddenOffenders > 0) {
    tail.push({ type: "divider" });
    tail.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: fitLines("*Top offenders by monthly saving*", offenders.map(offenderLine), SLACK_LIMITS.sectionText, hiddenOffenders),
      },
    });
  }
  if (digest.errors.length > 0) {
    const maxErrors = options.maxErrors ?? 10;
    const lines = digest.errors
      .slice(0, maxErrors)
      .map((e) => clampText(`• ${escapeMrkdwn(e.region)}${e.ruleId ? ` ${escapeMrkdwn(e.ruleId)}` : ""}: ${escapeMrkdwn(e.message)}`, 500));
    tail.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: fitLines(
          ":warning: *Not evaluated* (these rules are not counted above)",
          lines,
          SLACK_LIMITS.sectionText,
          Math.max(0, digest.errors.length - maxErrors),
        ),
      },
    });
  }
  for (const [title, lines] of [
    ["*Exempted this week* (tag `endpoint-auditor:exempt`; not counted as resolved)", digest.exemptedThisWeek],
    [":hourglass: *Exemptions expiring soon* (judged again after their last day)", digest.expiringSoon],
  ] as const) {
    if (lines.length === 0) continue;
    tail.push({ type: "section", text: { type: "mrkdwn", text: fitLines(title, lines.map(exemptionLine), SLACK_LIMITS.sectionText) } });
  }
  const footer = ["Savings are estimates from AWS list prices. Sent by endpoint-auditor."];
  if (retiredNote) footer.unshift(retiredNote);
  tail.push({ type: "context", elements: footer.map((text) => ({ type: "mrkdwn" as const, text })) });

  // Rules fill what is left of the block budget; one block is kept for "…and N more rules".
  const ruleBlocks: SlackBlock[] = [];
  if (digest.rules.length > 0) {
    const room = maxBlocks - head.length - tail.length - 1; // the divider before the rules
    const fits = digest.rules.length <= room;
    const shown = fits ? digest.rules : digest.rules.slice(0, Math.max(0, room - 1));
    ruleBlocks.push({ type: "divider" });
    for (const rule of shown) {
      ruleBlocks.push({ type: "section", text: { type: "mrkdwn", text: ruleLine(rule, digest.hasHistory) } });
    }
    if (!fits) {
      ruleBlocks.push({
        type: "context",
        elements: [{ type: "mrkdwn", text: andMore(digest.rules.length - shown.length, "rules") }],
      });
    }
  }
  const blocks = [...head, ...ruleBlocks, ...tail];
  return { text, blocks: blocks.slice(0, maxBlocks) };
}

/**
 * Checks a payload against the limits Slack enforces (text present, block count, section and header
 * lengths) and returns the problems found (empty when valid).
 *
 * @example
 * ```ts
 * slackMessageProblems({ text: "", blocks: [] }); // ["text is empty (Slack answers no_text)"]
 * ```
 */
export function slackMessageProblems(message: SlackMessage): string[] {
  const problems: string[] = [];
  if (!message.text || message.text.trim().length === 0) problems.push("text is empty (Slack answers no_text)");
  if (message.blocks.length > SLACK_LIMITS.blocksPerMessage) {
    problems.push(`${message.blocks.length} blocks (max ${SLACK_LIMITS.blocksPerMessage})`);
  }
  message.blocks.forEach((block, i) => {
    if (block.type === "header" && block.text.text.length > SLACK_LIMITS.headerText) {
      problems.push(`block ${i}: header text ${block.text.text.length} chars (max ${SLACK_LIMITS.headerText})`);
    }
    if (block.type === "section" && (block.text.text.length > SLACK_LIMITS.sectionText || block.text.text.length === 0)) {
      problems.push(`block ${i}: section text ${block.text.text.length} chars (1–${SLACK_LIMITS.sectionText})`);
    }
    if (block.type === "context" && block.elements.length > SLACK_LIMITS.contextElements) {
      problems.push(`block ${i}: ${block.elements.length} context elements (max ${SLACK_LIMITS.contextElements})`);
    }
  });
  return problems;
}
