import { describe, expect, it } from "vitest";
import { HOURS_PER_MONTH, PRICE_TABLES, formatUsd, interfaceEndpointMonthlyUsd, pricesFor } from "./pricing";

describe("pricing", () => {
  it("Given the us-east-1 table, Then it holds the documented prices", () => {
    const p = pricesFor("us-east-1");
    expect(p).toMatchObject({
      region: "us-east-1",
      exact: true,
      currency: "USD",
      interfaceEndpointPerAzHour: 0.01,
      interfaceEndpointPerGb: 0.01,
      gatewayEndpointPerHour: 0,
      natGatewayPerHour: 0.045,
      natGatewayPerGb: 0.045,
      flowLogsCloudWatchPerGb: 0.5,
      flowLogsS3PerGb: 0.25,
    });
  });

  it.each(Object.entries(PRICE_TABLES))("Given the %s table, Then it is dated, in USD, gateway endpoints are free and every price is positive", (_region, table) => {
    expect(table.takenOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number.isNaN(Date.parse(table.takenOn))).toBe(false);
    expect(table.currency).toBe("USD");
    expect(table.gatewayEndpointPerHour).toBe(0);
    for (const key of ["interfaceEndpointPerAzHour", "interfaceEndpointPerGb", "natGatewayPerHour", "natGatewayPerGb", "flowLogsCloudWatchPerGb", "flowLogsS3PerGb"] as const) {
      expect(table[key], key).toBeGreaterThan(0);
    }
  });

  it("Given a region without a table, Then us-east-1's prices are used and marked inexact", () => {
    const p = pricesFor("ap-southeast-2");
    expect(p.region).toBe("ap-southeast-2");
    expect(p.exact).toBe(false);
    expect(p.interfaceEndpointPerAzHour).toBe(pricesFor("us-east-1").interfaceEndpointPerAzHour);
  });

  it("Given a month, Then it has 730 hours (365 × 24 / 12)", () => {
    expect(HOURS_PER_MONTH).toBe((365 * 24) / 12);
  });

  it.each([
    ["us-east-1", 1, 7.3],
    ["us-east-1", 2, 14.6],
    ["us-east-1", 3, 21.9],
    ["eu-west-1", 1, 8.03],
    ["eu-central-1", 2, 17.52],
    ["ap-southeast-2", 2, 14.6],
  ] as const)("Given an interface endpoint in %s across %d AZs, Then it costs $%s per month", (region, azs, usd) => {
    expect(interfaceEndpointMonthlyUsd(region, azs)).toBe(usd);
  });

  it("Given an endpoint with no subnets listed, Then it is priced as one AZ (an interface endpoint has at least one)", () => {
    expect(interfaceEndpointMonthlyUsd("us-east-1", 0)).toBe(7.3);
  });

  it("Given dollar amounts, Then formatUsd prints two decimals", () => {
    expect(formatUsd(14.6)).toBe("$14.60");
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(1234.5)).toBe("$1234.50");
  });
});
