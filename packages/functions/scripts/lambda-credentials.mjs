// In Lambda the execution role's credentials are always in the environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN); bundles use this provider instead of the SDK's full chain.
// See lambda-esbuild.mjs.
export { fromEnv as defaultProvider } from "@aws-sdk/credential-provider-env";
