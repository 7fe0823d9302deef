/**
 * Prices used to put a monthly figure on findings. One table per region, each with the date its prices
 * were taken from the AWS pricing pages. Regions without a table use us-east-1's prices and say so.
 */

export interface PriceTable {
  /** ISO date the prices were taken. */
  takenOn: string;
  currency: "USD";
  /** Interface endpoint, per endpoint per AZ per hour. */
  interfaceEndpointPerAzHour: number;
  /** Interface endpoint data processing, per GB (first PB tier). */
  interfaceEndpointPerGb: number;
  /** Gateway endpoints are free. */
  gatewayEndpointPerHour: number;
  natGatewayPerHour: number;
  natGatewayPerGb: number;
  /** Flow logs delivered to CloudWatch Logs, vended-log ingestion per GB (first 10 TB). */
  flowLogsCloudWatchPerGb: number;
  /** Flow logs delivered to S3, per GB (first 10 TB). */
  flowLogsS3PerGb: number;
  /** Data transfer between Availability Zones of the region, per GB in each direction. */
  dataTransferInterAzPerGb: number;
}

/** Hours in an average month (365 × 24 / 12), as AWS's own calculators use. */
export const HOURS_PER_MONTH = 730;

const US_EAST_1: PriceTable = {
  takenOn: "2026-11-01",
  currency: "USD",
  interfaceEndpointPerAzHour: 0.01,
  interfaceEndpointPerGb: 0.01,
  gatewayEndpointPerHour: 0,
  natGatewayPerHour: 0.045,
  natGatewayPerGb: 0.045,
  flowLogsCloudWatchPerGb: 0.5,
  flowLogsS3PerGb: 0.25,
  dataTransferInterAzPerGb: 0.01,
};

export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
  "us-east-1": US_EAST_1,
  "us-east-2": US_EAST_1,
  "us-west-2": US_EAST_1,
  "eu-west-1": { ...US_EAST_1, interfaceEndpointPerAzHour: 0.011, natGatewayPerHour: 0.048, natGatewayPerGb: 0.048 },
  "eu-central-1": { ...US_EAST_1, interfaceEndpointPerAzHour: 0.012, natGatewayPerHour: 0.052, natGatewayPerGb: 0.052 },
};

/**
 * The price table for a region (us-east-1's when the region has none).
 *
 * @example
 * ```ts
 * pricesFor("eu-west-1").interfaceEndpointPerAzHour; // 0.011
 * ```
 */
export function pricesFor(region: string): PriceTable & { region: string; exact: boolean } {
  // One frozen object per region (rules ask per resource: no copy per call).
  let prices = RESOLVED.get(region);
  if (!prices) {
    const table = PRICE_TABLES[region];
    prices = Object.freeze(table ? { ...table, region, exact: true } : { ...US_EAST_1, region, exact: false });
    RESOLVED.set(region, prices);
  }
  return prices;
}

const RESOLVED = new Map<string, Readonly<PriceTable & { region: string; exact: boolean }>>();

/**
 * Monthly hourly cost of an interface endpoint in `azCount` AZs.
 *
 * @example
 * ```ts
 * interfaceEndpointMonthlyUsd("us-east-1", 2); // 14.6
 * ```
 */
export function interfaceEndpointMonthlyUsd(region: string, azCount: number): number {
  return Math.round(pricesFor(region).interfaceEndpointPerAzHour * Math.max(azCount, 1) * HOURS_PER_MONTH * 100) / 100;
}

/** Formats dollars for annotations: `$14.60`. */
export function formatUsd(value: number): string {
  return `$${value.toFixed(2)}`;
}
