/**
 * A snapshot is the raw API responses of one scan: for each region, the items of every list exactly as
 * the AWS API returned them (all pages concatenated), and the raw `GetMetricData` results. It is what
 * `--save-snapshot` writes and `evaluate --snapshot` replays through the same parsing as a live scan.
 *
 * The item types are the SDK's output shapes; in a JSON file their dates are ISO strings, which the
 * parser accepts as well as `Date` objects.
 */
import type {
  FlowLog as Ec2FlowLog,
  NatGateway as Ec2NatGateway,
  RouteTable as Ec2RouteTable,
  Subnet as Ec2Subnet,
  TransitGatewayVpcAttachment as Ec2TransitGatewayVpcAttachment,
  Vpc as Ec2Vpc,
  VpcEndpoint as Ec2VpcEndpoint,
  VpcPeeringConnection as Ec2VpcPeeringConnection,
  VpnGateway as Ec2VpnGateway,
} from "@aws-sdk/client-ec2";
import type { MetricDataResult } from "@aws-sdk/client-cloudwatch";
import type { InventoryPart } from "./parts";

export const SNAPSHOT_FORMAT = "endpoint-auditor/snapshot@1" as const;

/** The raw `GetMetricData` exchange for endpoint traffic in one region. */
export interface RawEndpointMetrics {
  /** ISO start of the queried window (inclusive). */
  startTime: string;
  /** ISO end of the queried window (exclusive). */
  endTime: string;
  /** Period of the queries in seconds (86400). */
  period: number;
  /** Which query id asked for which endpoint. Every queried endpoint is listed, with or without data. */
  queries: { id: string; endpointId: string }[];
  /** `MetricDataResults` of every response page, concatenated. */
  results: MetricDataResult[];
}

/** A list that could not be collected. */
export interface RawCollectionError {
  part: InventoryPart;
  /** IAM-style call name, e.g. `ec2:DescribeFlowLogs`. */
  call: string;
  message: string;
  code?: string;
}

/** The raw API responses of one region. A part that was not collected is absent. */
export interface RawRegion {
  region: string;
  vpcs?: Ec2Vpc[];
  subnets?: Ec2Subnet[];
  routeTables?: Ec2RouteTable[];
  natGateways?: Ec2NatGateway[];
  vpcEndpoints?: Ec2VpcEndpoint[];
  flowLogs?: Ec2FlowLog[];
  vpnGateways?: Ec2VpnGateway[];
  transitGatewayAttachments?: Ec2TransitGatewayVpcAttachment[];
  vpcPeeringConnections?: Ec2VpcPeeringConnection[];
  endpointMetrics?: RawEndpointMetrics;
  /** Lists that failed; the rules that need them report an error instead of evaluations. */
  errors?: RawCollectionError[];
}

/** A saved scan: what `--save-snapshot` writes. */
export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  accountId: string;
  /** ISO time the scan ran; `evaluate --snapshot` uses it as "now" unless `--now` is given. */
  capturedAt: string;
  regions: RawRegion[];
}
