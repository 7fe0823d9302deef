import type { SSTConfig } from "sst";
import { AUDITOR_STACK_ID, AuditorStack } from "./stacks/AuditorStack";
import { APP } from "./stacks/app";
import { ORG_DIGEST_STACK_ID, OrgDigestStack } from "./stacks/OrgDigestStack";
import { settingsFor } from "./stacks/settings/validate";

/**
 * endpoint-auditor as an SST v2 app: `npx sst deploy --stage prod` deploys the evaluator, the AWS Config
 * rules and (unless `digest.enabled: false`) the weekly Slack digest with its findings history into the account
 * and region of the caller's credentials (region: `--region`, else the default below).
 * Settings per stage: `stacks/settings.ts`. Offline template for StackSets: `npm run synth`.
 */
export default {
  config() {
    return { name: APP.name, region: APP.region };
  },
  stacks(app) {
    app.stack(AuditorStack, { id: AUDITOR_STACK_ID });
    // The organization digest, for a stage that enables it (deploy it alone with `sst deploy … OrgDigestStack`).
    if (settingsFor(app.stage).orgDigest.enabled) app.stack(OrgDigestStack, { id: ORG_DIGEST_STACK_ID });
  },
} satisfies SSTConfig;
