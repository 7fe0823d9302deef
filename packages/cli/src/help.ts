/** Help texts. Kept next to each other so the flags, formats and exit codes are documented once. */

const EXIT_CODES = `Exit codes:
  0  everything selected was evaluated (findings may be non-compliant unless --fail-on-noncompliant)
  1  some region or rule could not be evaluated; the rest is still printed and the errors are listed
     (1 wins over 3: an incomplete scan cannot vouch for the rest)
  2  usage error: unknown command or flag, bad --param, unknown rule, invalid parameter value,
     unreadable or invalid snapshot file; nothing was evaluated
  3  --fail-on-noncompliant was given and at least one resource is NON_COMPLIANT`;

const SELECTION = `  --rules ID[,ID...]       only these rules (repeatable; default: all, see 'endpoint-auditor rules')
  --param RULE.KEY=VALUE   set a rule parameter (repeatable), e.g.
                           --param interface-endpoint-in-use.lookbackDays=60
  --format FORMAT          table (default), json or markdown
  --fail-on-noncompliant   exit 3 when any resource is NON_COMPLIANT`;

const OUTPUT = `Output: the result goes to stdout; errors go to stderr, and so does progress when stderr is a
terminal. The table wraps to the terminal width (COLUMNS, else 120 when not a terminal) and is
coloured only on a terminal without NO_COLOR. --format json prints
  {"accountId","scannedAt","regions":[...],"evaluations":[{"ruleId","resourceType","resourceId",
   "region","accountId","compliance","annotation","monthlySavingsUsd"?}],"errors":[{"region",
   "ruleId"?,"message"}]}`;

export const MAIN_HELP = `endpoint-auditor — audit VPC endpoints, NAT-only subnets and VPC flow logs

Usage:
  endpoint-auditor scan [--region R]... [--profile P] [options]   scan live AWS regions
  endpoint-auditor evaluate --snapshot FILE [--now ISO] [options]  replay a saved snapshot
  endpoint-auditor rules [--format FORMAT]                         list the rules and their parameters
  endpoint-auditor digest [--preview | --send] [source options]     the weekly Slack digest, now
  endpoint-auditor <command> --help                                help for one command
  endpoint-auditor --version

Try it without AWS: endpoint-auditor evaluate --snapshot packages/cli/demo/demo-account.json

${EXIT_CODES}
`;

export const SCAN_HELP = `Usage: endpoint-auditor scan [--region R]... [--profile P] [options]

Collects, per region, only what the selected rules need (read-only Describe* calls, STS
GetCallerIdentity and CloudWatch GetMetricData) and evaluates it.

Options:
  --region R               region to scan (repeatable, or comma-separated); default: the SDK's
                           configured region (AWS_REGION, or the profile's region)
  --profile P              named profile from ~/.aws/config (default: the SDK's credential chain)
${SELECTION}
  --save-snapshot FILE     also write the raw API responses to FILE for 'evaluate --snapshot'
  -h, --help               this help

Credentials come from the SDK's standard chain; AWS_ENDPOINT_URL is honoured.

${OUTPUT}

${EXIT_CODES}
`;

export const EVALUATE_HELP = `Usage: endpoint-auditor evaluate --snapshot FILE [--now ISO] [options]

Replays a snapshot (written by 'scan --save-snapshot', or the built-in demo
packages/cli/demo/demo-account.json) through the same parsing and rules as a live scan.

Options:
  --snapshot FILE          the snapshot to evaluate (required)
  --now ISO                evaluate as of this time (default: the snapshot's capture time); endpoint
                           traffic is judged only inside the metrics window the snapshot holds
${SELECTION}
  -h, --help               this help

${OUTPUT}

${EXIT_CODES}
`;

export const RULES_HELP = `Usage: endpoint-auditor rules [--format table|json|markdown]

Lists every rule: title, resource type, severity, parameters (allowed values and defaults) and the
IAM actions its data needs.

Options:
  --format FORMAT          table (default), json or markdown
  -h, --help               this help
`;
