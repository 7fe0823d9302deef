/** The SST app: its name (the prefix of every stack and resource name) and default region. */
export const APP = { name: "endpoint-auditor", region: "us-east-1" } as const;
