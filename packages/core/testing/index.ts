/**
 * `@endpoint-auditor/core/testing`: test support shared by every package's tests — builders of raw AWS
 * API items, the synthetic region generator, AWS Config's documented example events, `aws-sdk-client-mock`
 * wiring and a local DynamoDB (dynalite). Never imported by production code (a test checks it), so none of
 * it reaches a Lambda bundle. This file only re-exports.
 */
export * from "./inventory-fixtures";
export * from "./synthetic";
export * from "./config-events";
export * from "./aws-mock";
export * from "./dynalite";
export * from "./demo";
