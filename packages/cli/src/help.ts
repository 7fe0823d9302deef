/** Help texts. Kept next to each other so the flags, formats and exit codes are documented once. */

const EXIT_CODES = `Exit codes:
  0  everything selected was evaluated (findings may be non-compliant unless --fail-on-noncompliant)
  1  some account, region or rule could not be evaluated; the rest is still printed and the errors
     are listed (1 wins over 3: an incomplete scan cannot vouch for the rest)
  2  usage error: unknown command or flag, bad --param, unknown rule or stage, invalid parameter
     value, unreadable or invalid snapshot file; nothing was evaluated
  3  --fail-on-noncompliant was given and at least one resource is NON_COMPLIANT`;

const SELECTION = `  --rules ID[,ID...]       only these rules (repeatable; default: all, see 'endpoint-auditor rules')
  --param RULE.KEY=VALUE   set a rule parameter (repeatable), e.g.
                           --param interface-endpoint-in-use.lookbackDays=60
  --stage NAME             the rules and parameters a stage deploys (stacks/settings.ts), so the CLI
                           judges like that stage's Config rules; --rules/--param narrow/override it`;

const OUTPUT_FLAGS = `  --format FORMAT          table (default), json, markdown, csv, ocsf or html; repeatable with
                           --output-dir
  --status S[,S...]        list only NON_COMPLIANT, COMPLIANT and/or NOT_APPLICABLE, or all
                           (default: NON_COMPLIANT for table and markdown, all for the others)
  --output FILE            write the report to FILE (the findings table still goes to stdout)
  --output-dir DIR         write one file per --format: DIR/endpoint-auditor.{txt,json,md,csv,
                           ocsf.json,html}
  --show-fix               under each non-compliant finding (table, markdown), the rule's AWS CLI
                           and Terraform fix filled in with its ids
  --fail-on-noncompliant   exit 3 when any resource is NON_COMPLIANT
  -v, --verbose            log each AWS API call, attempt and retry on stderr
  -q, --quiet              no progress on stderr (errors are still printed)`;

const OUTPUT = `Output: the report goes to stdout (or --output/--output-dir); errors are part of the report, and
for csv and ocsf (which have no place for them) go to stderr, one line each. Progress goes to stderr
only when stderr is a terminal (and not --quiet). The table wraps to the terminal width (COLUMNS,
else 120 when not a terminal), never inside an id or an amount, and is coloured only on a terminal
without NO_COLOR. Markdown stays under GitHub's 65,536-character comment limit (past 60,000
characters: counts per rule plus the top findings). --format json prints
  {"accountId"?,"accounts":[{"accountId","scanned","nonCompliant","compliant","notApplicable",
   "errors","monthlySavingsUsd"}],"scannedAt","regions":[...],"evaluations":[{"ruleId",
   "resourceType","resourceId","region","accountId","compliance","annotation",
   "monthlySavingsUsd"?}],"errors":[{"accountId"?,"region"?,"ruleId"?,"message","call"?,"code"?,
   "failedParts"?}]}
("accountId" only when the report covers exactly one account).`;

const LIVE = `  --region R               region to scan (repeatable, or comma-separated), or 'all': every region
                           enabled for the account (ec2:DescribeRegions); default: AWS_REGION,
                           AWS_DEFAULT_REGION, else the profile's region
  --profile P              named profile from ~/.aws/config or ~/.aws/credentials (default: the
                           SDK's credential chain; AWS_PROFILE)
  --accounts ID[,ID...]    scan these accounts by assuming --role-name in each (repeatable)
  --org                    scan every ACTIVE account of the organization (organizations:ListAccounts;
                           run it in the management or a delegated administrator account)
  --ou ID                  with --org: only the accounts under this OU (ou-…) or root (r-…), nested
                           OUs included
  --role-name NAME         the role to assume in each account: arn:<partition>:iam::<id>:role/NAME,
                           session name endpoint-auditor
  --external-id X          the external id the role's trust policy requires
  --concurrency N          account-regions collected at once (1-64, default 4)
  --timeout SECONDS        the longest one AWS API call may take, retries included (default 60);
                           connections time out after 3 s`;

export const MAIN_HELP = `endpoint-auditor — audit VPC endpoints, NAT-only subnets and VPC flow logs

Usage:
  endpoint-auditor scan [--region R|all]... [--profile P] [options]  scan live AWS accounts and regions
  endpoint-auditor evaluate --snapshot FILE [--now ISO] [options]    replay a saved snapshot
  endpoint-auditor explain RESOURCE_ID [--snapshot FILE | --region R] one resource: verdicts, evidence, fix
  endpoint-auditor rules [--format FORMAT] [--stage NAME]            list the rules and their parameters
  endpoint-auditor digest [--preview | --send] [source options]      the weekly Slack digest, now
  endpoint-auditor <command> --help                                  help for one command
  endpoint-auditor --version

Try it without AWS: endpoint-auditor evaluate --snapshot packages/cli/demo/demo-account.json

${EXIT_CODES}
`;

export const SCAN_HELP = `Usage: endpoint-auditor scan [--region R|all]... [--profile P] [--accounts ID,... | --org [--ou ID]]
                            [--role-name NAME] [options]

Collects, per account and region, only what the selected rules need (read-only Describe* calls, STS
GetCallerIdentity and CloudWatch GetMetricData; sts:AssumeRole, ec2:DescribeRegions and
organizations:List* for several accounts) and evaluates it.

Options:
${LIVE}
${SELECTION}
${OUTPUT_FLAGS}
  --save-snapshot FILE     also write the raw API responses to FILE for 'evaluate --snapshot'
                           (snapshot@1 for one account, snapshot@2 for several)
  -h, --help               this help

Credentials come from the SDK's standard chain; AWS_ENDPOINT_URL is honoured. A failed account
(its role cannot be assumed) or region is reported with its id and the rest is still scanned.

${OUTPUT}

${EXIT_CODES}
`;

export const EVALUATE_HELP = `Usage: endpoint-auditor evaluate --snapshot FILE [--now ISO] [options]

Replays a snapshot (written by 'scan --save-snapshot', or the built-in demo
packages/cli/demo/demo-account.json) through the same parsing and rules as a live scan.

Options:
  --snapshot FILE          the snapshot to evaluate (required; snapshot@1 or @2)
  --now ISO                evaluate as of this time (default: the snapshot's capture time); endpoint
                           traffic is judged only inside the metrics window the snapshot holds
${SELECTION}
${OUTPUT_FLAGS}
  -h, --help               this help

${OUTPUT}

${EXIT_CODES}
`;

export const EXPLAIN_HELP = `Usage: endpoint-auditor explain RESOURCE_ID (--snapshot FILE [--now ISO] | live scan options)
                               [--rules ID,...] [--param ...] [--stage NAME] [--format text|json]

One VPC endpoint, subnet or VPC: its verdict under each rule, the evidence the rules read (routes,
gateway endpoints, NAT gateways, endpoint state and traffic, hybrid reach, flow logs), and for each
finding the rule's remediation with its AWS CLI and Terraform snippets filled in with the resource's ids.

Options:
  --snapshot FILE          explain from a snapshot (else scan live, as 'endpoint-auditor scan')
  --now ISO                with --snapshot: evaluate as of this time
${LIVE}
${SELECTION}
  --format text|json       text (default) or JSON
  -v, --verbose            log each AWS API call on stderr
  -q, --quiet              no progress on stderr
  -h, --help               this help

Exit codes: 0 explained; 1 some data for the resource could not be collected; 2 usage error, or no
such resource in the snapshot or scan.
`;

export const RULES_HELP = `Usage: endpoint-auditor rules [--format table|json|markdown] [--stage NAME]

Lists every rule: title, resource type, severity, parameters (allowed values and defaults) and the
IAM actions its data needs. With --stage, whether the stage deploys each rule and with which
parameters (from stacks/settings.ts).

Options:
  --format FORMAT          table (default), json or markdown
  --stage NAME             show a stage's rule selection and parameter values
  -h, --help               this help
`;
