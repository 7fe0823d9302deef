/**
 * Lists a region through the real SDK clients, page by page, the way a collector does, so wire tests can
 * compare what came back over HTTP with the data the fake served.
 */
import {
  DescribeFlowLogsCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeTransitGatewayVpcAttachmentsCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  DescribeVpnGatewaysCommand,
  type EC2Client,
  type Filter,
} from "@aws-sdk/client-ec2";
import type { RawRegion } from "@endpoint-auditor/core";
import type { Ec2ListKey } from "../support/fake-aws/ec2";

export interface PageRequest {
  MaxResults?: number;
  NextToken?: string;
  Filters?: Filter[];
}

interface Page {
  items: unknown[];
  nextToken?: string;
}

/** One Describe call for a list, returning its items and nextToken. */
export async function describePage(ec2: EC2Client, list: Ec2ListKey, req: PageRequest): Promise<Page> {
  const { MaxResults, NextToken, Filters } = req;
  switch (list) {
    case "vpcs": {
      const o = await ec2.send(new DescribeVpcsCommand({ MaxResults, NextToken, Filters }));
      return { items: o.Vpcs ?? [], nextToken: o.NextToken };
    }
    case "subnets": {
      const o = await ec2.send(new DescribeSubnetsCommand({ MaxResults, NextToken, Filters }));
      return { items: o.Subnets ?? [], nextToken: o.NextToken };
    }
    case "routeTables": {
      const o = await ec2.send(new DescribeRouteTablesCommand({ MaxResults, NextToken, Filters }));
      return { items: o.RouteTables ?? [], nextToken: o.NextToken };
    }
    case "natGateways": {
      const o = await ec2.send(new DescribeNatGatewaysCommand({ MaxResults, NextToken, Filter: Filters }));
      return { items: o.NatGateways ?? [], nextToken: o.NextToken };
    }
    case "vpcEndpoints": {
      const o = await ec2.send(new DescribeVpcEndpointsCommand({ MaxResults, NextToken, Filters }));
      return { items: o.VpcEndpoints ?? [], nextToken: o.NextToken };
    }
    case "flowLogs": {
      const o = await ec2.send(new DescribeFlowLogsCommand({ MaxResults, NextToken, Filter: Filters }));
      return { items: o.FlowLogs ?? [], nextToken: o.NextToken };
    }
    case "vpnGateways": {
      const o = await ec2.send(new DescribeVpnGatewaysCommand({ Filters }));
      return { items: o.VpnGateways ?? [] };
    }
    case "transitGatewayAttachments": {
      const o = await ec2.send(new DescribeTransitGatewayVpcAttachmentsCommand({ MaxResults, NextToken, Filters }));
      return { items: o.TransitGatewayVpcAttachments ?? [], nextToken: o.NextToken };
    }
    case "vpcPeeringConnections": {
      const o = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ MaxResults, NextToken, Filters }));
      return { items: o.VpcPeeringConnections ?? [], nextToken: o.NextToken };
    }
  }
}

/** Follows nextToken until the list ends; returns every item and the number of calls made. */
export async function listAll(
  ec2: EC2Client,
  list: Ec2ListKey,
  maxResults: number | undefined,
  filters?: Filter[],
): Promise<{ items: unknown[]; pages: number; pageSizes: number[] }> {
  const items: unknown[] = [];
  const pageSizes: number[] = [];
  let token: string | undefined;
  do {
    const page = await describePage(ec2, list, { MaxResults: list === "vpnGateways" ? undefined : maxResults, NextToken: token, Filters: filters });
    items.push(...page.items);
    pageSizes.push(page.items.length);
    token = page.nextToken;
  } while (token);
  return { items, pages: pageSizes.length, pageSizes };
}

/** The largest page each list allows (what a collector should ask for). */
export const MAX_PAGE: Record<Ec2ListKey, number | undefined> = {
  vpcs: 1000,
  subnets: 1000,
  routeTables: 100,
  natGateways: 1000,
  vpcEndpoints: 1000,
  flowLogs: 1000,
  vpnGateways: undefined,
  transitGatewayAttachments: 1000,
  vpcPeeringConnections: 1000,
};

export const EC2_LIST_KEYS: readonly Ec2ListKey[] = Object.keys(MAX_PAGE) as Ec2ListKey[];

/** Reads every EC2 list of a region through the SDK into a RawRegion. */
export async function rawRegionViaSdk(ec2: EC2Client, region: string, maxResults?: (list: Ec2ListKey) => number | undefined): Promise<RawRegion> {
  const out: RawRegion = { region };
  for (const list of EC2_LIST_KEYS) {
    const { items } = await listAll(ec2, list, maxResults ? maxResults(list) : MAX_PAGE[list]);
    (out as unknown as Record<string, unknown>)[list] = items;
  }
  return out;
}
