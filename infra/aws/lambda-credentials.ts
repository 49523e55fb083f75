import { fromEnv } from "@aws-sdk/credential-provider-env";

/**
 * Stands in for `@aws-sdk/credential-provider-node` inside Lambda bundles. Lambda always hands a
 * function its role's credentials as environment variables, so the default chain's SSO, STS,
 * instance-metadata and profile providers are dead weight there (about 80 KB minified).
 */
export const defaultProvider = (_init?: unknown) => fromEnv();
