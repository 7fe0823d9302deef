// Slack delivery: re-exports only.
export * from "./webhook";
