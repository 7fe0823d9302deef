/**
 * `--format html`: one self-contained page (no network, no external assets: inline CSS, inline SVG charts,
 * a few lines of inline script) with the totals, savings per rule, per region and per account as bar
 * charts, the findings table (sortable by any column, filterable by text, status and rule; usable without
 * script too), and the errors.
 */
import {
  ALL_STATUSES,
  STATUS_ORDER,
  accountTotals,
  compareEvaluations,
  countStatuses,
  formatUsd,
  groupByRule,
  headline,
  totalSavings,
  type Report,
  type RuleInfo,
  type StatusFilter,
} from "./common";
import { blockedText, errorPlace, groupErrors } from "./errors";

export interface HtmlOptions {
  rules: readonly RuleInfo[];
  version: string;
  statuses?: StatusFilter;
}

/**
 * Escapes text for HTML element content and attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<b a="1">'); // "&lt;b a=&quot;1&quot;&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

/** One bar of a chart. */
export interface Bar {
  label: string;
  value: number;
}

/**
 * A horizontal bar chart as inline SVG: one bar per item, longest = largest value, value printed at the
 * bar's end. Bars of zero are drawn as a hairline so every label has a row.
 */
export function barChart(id: string, title: string, bars: readonly Bar[]): string {
  const rowHeight = 26;
  const labelWidth = 300;
  const barArea = 360;
  const width = labelWidth + barArea + 110;
  const height = Math.max(1, bars.length) * rowHeight + 8;
  const max = Math.max(0, ...bars.map((b) => b.value));
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowHeight;
    const w = max > 0 ? Math.max(1, Math.round((b.value / max) * barArea)) : 1;
    return (
      `<g class="bar" data-label="${escapeHtml(b.label)}" data-value="${b.value.toFixed(2)}">` +
      `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeHtml(b.label.length > 40 ? `${b.label.slice(0, 39)}…` : b.label)}<title>${escapeHtml(b.label)}</title></text>` +
      `<rect x="${labelWidth}" y="${y + 4}" width="${w}" height="${rowHeight - 8}" rx="2"></rect>` +
      `<text x="${labelWidth + w + 6}" y="${y + 17}">${escapeHtml(formatUsd(b.value))}</text></g>`
    );
  });
  const empty = bars.length === 0 ? `<text x="8" y="20">nothing to show</text>` : "";
  return (
    `<figure class="chart" id="${id}"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${rows.join("")}${empty}</svg></figure>`
  );
}

const CSS = `
:root{--fail:#c62828;--pass:#2e7d32;--na:#757575;--ink:#1f2328;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:24px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}.sub{color:#57606a;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:150px;background:var(--bg)}
.card b{display:block;font-size:22px}.card.fail b{color:var(--fail)}.card.pass b{color:var(--pass)}.card.na b{color:var(--na)}
.charts{display:flex;flex-wrap:wrap;gap:24px}.chart{margin:0}.chart figcaption{font-weight:600;margin-bottom:4px}
.chart svg{font-size:12px;fill:var(--ink)}.chart rect{fill:var(--fail)}
.controls{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}.controls input,.controls select{font:inherit;padding:4px 6px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);position:sticky;top:0}th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] button::after{content:" ▲"}th[aria-sort=descending] button::after{content:" ▼"}
td.num,th.num{text-align:right;white-space:nowrap}td.nowrap{white-space:nowrap}td.id{font-family:ui-monospace,monospace;white-space:nowrap}
.NON_COMPLIANT{color:var(--fail);font-weight:600}.COMPLIANT{color:var(--pass)}.NOT_APPLICABLE{color:var(--na)}
.errors li{margin:4px 0}#count{color:#57606a}footer{margin-top:24px;color:#57606a;font-size:12px}
`;

/** Sorting and filtering of the findings table. Kept small and dependency-free. */
const SCRIPT = `
(function(){
  var table=document.getElementById("findings");if(!table)return;
  var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
  var text=document.getElementById("filter-text"),status=document.getElementById("filter-status"),rule=document.getElementById("filter-rule"),count=document.getElementById("count");
  function apply(){var q=text.value.trim().toLowerCase(),s=status.value,r=rule.value,n=0;
    rows.forEach(function(row){var ok=(!q||row.textContent.toLowerCase().indexOf(q)>=0)&&(!s||row.dataset.status===s)&&(!r||row.dataset.rule===r);row.hidden=!ok;if(ok)n++;});
    count.textContent=n+" of "+rows.length+" findings";}
  [text,status,rule].forEach(function(el){el.addEventListener("input",apply);el.addEventListener("change",apply);});
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){var b=th.querySelector("button");if(!b)return;
    b.addEventListener("click",function(){var asc=th.getAttribute("aria-sort")!=="ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells,function(o){o.removeAttribute("aria-sort");});th.setAttribute("aria-sort",asc?"ascending":"descending");
      var numeric=th.dataset.type==="number";
      rows.sort(function(a,b){var x=a.cells[i].dataset.sort||a.cells[i].textContent,y=b.cells[i].dataset.sort||b.cells[i].textContent;
        var c=numeric?(parseFloat(x)||0)-(parseFloat(y)||0):x.localeCompare(y);return asc?c:-c;});
      rows.forEach(function(row){body.appendChild(row);});});});
  apply();
})();
`;

/**
 * Renders a report as one self-contained HTML page.
 *
 * @example
 * ```ts
 * writeFileSync("report.html", renderHtml(report, { rules: RULES.map((r) => r.metadata), version: "0.1.0" }));
 * ```
 */
export function renderHtml(report: Report, options: HtmlOptions): string {
  const statuses = options.statuses ?? ALL_STATUSES;
  const multi = report.accountIds.length > 1;
  const groups = groupByRule(report, options.rules, statuses);
  const counts = countStatuses(report.evaluations);
  const errorGroups = groupErrors(report.errors);
  const nonCompliant = report.evaluations.filter((e) => e.compliance === "NON_COMPLIANT");

  const cards = [
    `<div class="card"><span>Potential savings</span><b id="total-savings">${escapeHtml(formatUsd(totalSavings(report.evaluations)))}/month</b></div>`,
    `<div class="card fail"><span>Non-compliant</span><b>${counts.NON_COMPLIANT}</b></div>`,
    `<div class="card pass"><span>Compliant</span><b>${counts.COMPLIANT}</b></div>`,
    `<div class="card na"><span>Not applicable</span><b>${counts.NOT_APPLICABLE}</b></div>`,
    `<div class="card"><span>Errors</span><b>${errorGroups.length}</b></div>`,
  ];
  const byRegion = report.regions.map((region) => ({ label: region, value: totalSavings(nonCompliant.filter((e) => e.region === region)) }));
  const charts = [
    barChart("savings-by-rule", "Savings per rule ($/month)", groups.map((g) => ({ label: g.title, value: g.monthlySavingsUsd }))),
    barChart("savings-by-region", "Savings per region ($/month)", byRegion),
    ...(multi ? [barChart("savings-by-account", "Savings per account ($/month)", accountTotals(report).map((t) => ({ label: t.accountId, value: t.monthlySavingsUsd })))] : []),
  ];

  const rows = report.evaluations
    .filter((e) => statuses.has(e.compliance))
    .sort(compareEvaluations)
    .map((e, i) => {
      const money = e.monthlySavingsUsd === undefined ? "" : formatUsd(e.monthlySavingsUsd);
      return (
        `<tr data-status="${e.compliance}" data-rule="${escapeHtml(e.ruleId)}">` +
        `<td class="num" data-sort="${i}">${i + 1}</td>` +
        (multi ? `<td class="id">${escapeHtml(e.accountId)}</td>` : "") +
        `<td class="nowrap">${escapeHtml(e.ruleId)}</td><td class="id">${escapeHtml(e.resourceId)}</td><td class="nowrap">${escapeHtml(e.region)}</td>` +
        `<td class="${e.compliance}" data-sort="${STATUS_ORDER.indexOf(e.compliance)}">${e.compliance}</td>` +
        `<td class="num" data-sort="${(e.monthlySavingsUsd ?? 0).toFixed(2)}">${escapeHtml(money)}</td><td>${escapeHtml(e.annotation)}</td></tr>`
      );
    });
  const header = [
    `<th class="num" data-type="number"><button type="button">#</button></th>`,
    ...(multi ? [`<th><button type="button">Account</button></th>`] : []),
    `<th><button type="button">Rule</button></th>`,
    `<th><button type="button">Resource</button></th>`,
    `<th><button type="button">Region</button></th>`,
    `<th data-type="number"><button type="button">Status</button></th>`,
    `<th class="num" data-type="number"><button type="button">$/month</button></th>`,
    `<th><button type="button">Annotation</button></th>`,
  ];
  const statusOptions = STATUS_ORDER.filter((s) => statuses.has(s)).map((s) => `<option value="${s}">${s}</option>`);
  const ruleOptions = groups.map((g) => `<option value="${escapeHtml(g.ruleId)}">${escapeHtml(g.ruleId)}</option>`);
  const errors =
    errorGroups.length === 0
      ? ""
      : `<h2>Errors (${errorGroups.length})</h2><ul class="errors">${errorGroups
          .map((g) => `<li><b>${escapeHtml(errorPlace(g, multi))}</b>: ${escapeHtml(g.message)}${g.code && !g.message.includes(g.code) ? ` (${escapeHtml(g.code)})` : ""}${blockedText(g) ? ` — ${escapeHtml(blockedText(g))}` : ""}</li>`)
          .join("")}</ul>`;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>endpoint-auditor report</title><style>${CSS}</style></head>
<body>
<h1>endpoint-auditor report</h1>
<p class="sub">${escapeHtml(headline(report))}</p>
<section class="cards" id="totals">${cards.join("")}</section>
<h2>Where the money goes</h2>
<section class="charts">${charts.join("")}</section>
<h2>Findings</h2>
<div class="controls">
<input id="filter-text" type="search" placeholder="Filter: resource, region, text…" aria-label="Filter findings">
<select id="filter-status" aria-label="Status"><option value="">All statuses</option>${statusOptions.join("")}</select>
<select id="filter-rule" aria-label="Rule"><option value="">All rules</option>${ruleOptions.join("")}</select>
<span id="count">${rows.length} findings</span>
</div>
<table id="findings"><thead><tr>${header.join("")}</tr></thead><tbody>
${rows.join("\n")}
</tbody></table>
${errors}
<footer>endpoint-auditor ${escapeHtml(options.version)} · ${escapeHtml(report.scannedAt)}</footer>
<script>${SCRIPT}</script>
</body></html>
`;
}
