/**
 * fake-aws: a local HTTP server that answers like EC2, STS, CloudWatch and AWS Config, for wire-level
 * tests of the real AWS SDK v3 stack. See README.md beside this file.
 */
export { startFakeAws, CallLog, FAKE_ACCOUNT_ID, FAKE_CREDENTIALS } from "./server";
export type { FakeAws, FakeAwsData, FakeAwsOptions, FakeCall } from "./server";
export { clientsFor, coreSts, destroyClients, getCallerIdentity } from "./clients";
export type { FakeClientOptions, FakeClients } from "./clients";
export { FakeServices, draw, mulberry32 } from "./faults";
export type { FakeService, FaultError, FaultRule } from "./faults";
export {
  bytesProcessedSeries,
  seriesFromRawRegion,
  DEFAULT_MAX_DATAPOINTS,
  MAX_METRIC_DATA_QUERIES,
  PRIVATELINK_NAMESPACE,
} from "./cloudwatch";
export type { MetricPoint, MetricSeries } from "./cloudwatch";
export { EC2_LISTS, pageLimits } from "./ec2";
export type { Ec2Action, PageLimits } from "./ec2";
export { FakeConfigService, CONFIG_COMPLIANCE_TYPES } from "./config";
export type { FailedEvaluationsPolicy, SeedResult, StoredEvaluation } from "./config";
export { FakeConfigAggregator } from "./aggregator";
export type { AggregatedResult } from "./aggregator";
