/** `DescribeFlowLogs`: every flow log (on VPCs, subnets or network interfaces). */
import { DescribeFlowLogsCommand, type FlowLog as Ec2FlowLog } from "@aws-sdk/client-ec2";
import type { FlowLog } from "../model";
import { listPart, requireId, tagsOf } from "../part";

export const flowLogs = listPart({
  key: "flowLogs",
  title: "flow logs",
  service: "ec2",
  command: DescribeFlowLogsCommand,
  api: "EC2:DescribeFlowLogs",
  iamAction: "ec2:DescribeFlowLogs",
  itemsKey: "FlowLogs",
  pageSize: 1000, // "between 5 and 1000"
  filterInput: "Filter",
  parseItem: (f: Ec2FlowLog, { region }): FlowLog => ({
    id: requireId(f.FlowLogId, "flow log", region),
    resourceId: requireId(f.ResourceId, "flow log resource", region),
    status: f.FlowLogStatus,
    trafficType: f.TrafficType,
    deliverLogsStatus: f.DeliverLogsStatus,
    deliverLogsErrorMessage: f.DeliverLogsErrorMessage,
    logDestinationType: f.LogDestinationType,
    logDestination: f.LogDestination ?? f.LogGroupName,
    tags: tagsOf(f.Tags),
  }),
});
