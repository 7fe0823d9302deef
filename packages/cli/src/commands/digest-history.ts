/**
 * `endpoint-auditor digest --history-table NAME`: the digest the deployed function would send, built from
 * the deployed findings history (read with the caller's credentials, in each `--region`): open, new,
 * resolved and exempt findings and the heartbeats — so a rule that is not reporting is named here too.
 * The deployed rules are the selected ones (`--rules`, `--stage`; default all), named
 * `<--config-rule-prefix><rule id>`. Read only: nothing in the table is changed.
 */
import {
  RULES,
  buildDigest,
  callerIdentity,
  createClients,
  createHistoryClient,
  errorMessage,
  loadHistoryDigest,
  prepareRules,
  type Digest,
  type RuleSelection,
} from "@endpoint-auditor/core";
import { ExitCode } from "../exit-codes";
import type { CliIo } from "../io";
import type { DigestCommandOptions } from "../digest-command";

export interface HistoryDigestRequest {
  tableName: string;
  regions: readonly string[];
  profile?: string;
  selections: readonly RuleSelection[];
  now: Date;
}

/**
 * The digests of each region from the history table, or exit code 1 (the reason on stderr) when the
 * account or the table cannot be read.
 *
 * @example
 * ```ts
 * const digests = await historyDigests(io, { tableName: "history", regions: ["eu-west-1"], selections: [], now: new Date() }, options);
 * ```
 */
export async function historyDigests(io: CliIo, request: HistoryDigestRequest, options: DigestCommandOptions): Promise<Digest[] | ExitCode> {
  const deployedRules = prepareRules(request.selections).map((p) => ({
    ruleId: p.rule.metadata.id,
    configRuleName: `${options.configRulePrefix ?? ""}${p.rule.metadata.id}`,
  }));
  const home = request.regions[0] as string;
  const clientOptions = (region: string) => ({ region, ...(request.profile !== undefined ? { profile: request.profile } : {}) });
  let accountId: string;
  try {
    accountId = (await callerIdentity(createClients(clientOptions(home)).sts, home)).accountId;
  } catch (error) {
    io.stderr.write(`endpoint-auditor: ${errorMessage(error)}\n`);
    return ExitCode.INCOMPLETE;
  }
  const digests: Digest[] = [];
  for (const region of request.regions) {
    const history = createHistoryClient(clientOptions(region));
    try {
      const { input } = await loadHistoryDigest({ history, tableName: request.tableName, accountId, region, now: request.now, deployedRules });
      digests.push(
        buildDigest(
          { ...input, ...(options.accountAlias ? { accountAlias: options.accountAlias } : {}) },
          {
            ruleTitle: (id) => RULES.find((r) => r.metadata.id === id)?.metadata.title,
            configRuleName: (id) => `${options.configRulePrefix ?? ""}${id}`,
            topOffenders: options.topOffenders ?? 10,
          },
        ),
      );
    } catch (error) {
      io.stderr.write(`endpoint-auditor: ${errorMessage(error)}\n`);
      return ExitCode.INCOMPLETE;
    } finally {
      history.destroy();
    }
  }
  return digests;
}
