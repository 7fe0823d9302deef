/**
 * `DescribeVpcEndpointServices`: the Interface endpoint services this account can reach in the region —
 * AWS services and other accounts' endpoint services — with the Availability Zones each is offered in
 * and its private DNS name. One paginated list (about 450 AWS services: one call at the 1,000 cap).
 *
 * The same service name can be listed once per type (S3: Gateway and Interface), so the list is
 * filtered to `service-type = Interface`: one entry per name, the one interface endpoints use.
 */
import { DescribeVpcEndpointServicesCommand, type ServiceDetail } from "@aws-sdk/client-ec2";
import type { EndpointService } from "../model";
import { listPart, requireId, tagsOf } from "../part";

export const vpcEndpointServices = listPart({
  key: "vpcEndpointServices",
  title: "VPC endpoint services",
  service: "ec2",
  command: DescribeVpcEndpointServicesCommand,
  api: "EC2:DescribeVpcEndpointServices",
  iamAction: "ec2:DescribeVpcEndpointServices",
  itemsKey: "ServiceDetails",
  pageSize: 1000, // "Constraint: If the value is greater than 1,000, we return only 1,000 items."
  filters: [{ Name: "service-type", Values: ["Interface"] }],
  parseItem: (s: ServiceDetail, { region }): EndpointService => ({
    id: requireId(s.ServiceName, "VPC endpoint service", region),
    owner: s.Owner,
    availabilityZones: s.AvailabilityZones ?? [],
    privateDnsName: s.PrivateDnsName || undefined,
    tags: tagsOf(s.Tags),
  }),
});
