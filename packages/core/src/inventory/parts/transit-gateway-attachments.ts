/** `DescribeTransitGatewayVpcAttachments`: transit-gateway attachments of VPCs (hybrid and inter-VPC reach). */
import { DescribeTransitGatewayVpcAttachmentsCommand, type TransitGatewayVpcAttachment as Ec2Attachment } from "@aws-sdk/client-ec2";
import type { TransitGatewayVpcAttachment } from "../model";
import { listPart, requireId, tagsOf } from "../part";

export const transitGatewayAttachments = listPart({
  key: "transitGatewayAttachments",
  title: "transit gateway VPC attachments",
  service: "ec2",
  command: DescribeTransitGatewayVpcAttachmentsCommand,
  api: "EC2:DescribeTransitGatewayVpcAttachments",
  iamAction: "ec2:DescribeTransitGatewayVpcAttachments",
  itemsKey: "TransitGatewayVpcAttachments",
  pageSize: 1000, // MaxResults 5–1000
  // Drops deleted/deleting/failed/failing/rejected/rejecting/rollingBack attachments.
  filters: [{ Name: "state", Values: ["initiatingRequest", "pendingAcceptance", "pending", "modifying", "available"] }],
  parseItem: (a: Ec2Attachment, { region }): TransitGatewayVpcAttachment => ({
    id: requireId(a.TransitGatewayAttachmentId, "transit gateway attachment", region),
    transitGatewayId: a.TransitGatewayId,
    vpcId: requireId(a.VpcId, "transit gateway attachment VPC", region),
    state: a.State,
    tags: tagsOf(a.Tags),
  }),
});
