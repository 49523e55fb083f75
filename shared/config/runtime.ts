import * as z from "#shared/zod.ts";
import { type City, parseCityJson } from "./city.ts";

/** The header CloudFront adds to every request it sends the API (infra/aws/edge.ts). */
export const ORIGIN_HEADER = "x-mutua-origin";

const envSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  /** Set only off-AWS (the embedded store, or any DynamoDB-compatible endpoint). */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  /** The validated city file as JSON; inlined into Lambda bundles at synth, set by the local runtime. */
  CITY_CONFIG: z.string().check(z.minLength(2)),
  /** The Cognito user pool, for the function that deletes sign-in identities (erasure); unset off AWS. */
  USER_POOL_ID: z.optional(z.string().check(z.minLength(1))),
  /** The S3 bucket export archives are kept in (AWS; set on the functions that make or offer them). */
  EXPORT_BUCKET: z.optional(z.string().check(z.minLength(3))),
  /** Off AWS: the folder export archives are kept in (the local runtime sets it in the city's data folder). */
  EXPORT_DIR: z.optional(z.string().check(z.minLength(1))),
  /** The SES configuration set emails are sent in (bounce and complaint events); set by the stack. */
  MAIL_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  /**
   * In AWS, the value CloudFront sends in the `x-mutua-origin` header to the API: a request without
   * it did not come through the city's distribution (and its firewall). Unset locally, where
   * nothing stands in front of the API.
   */
  ORIGIN_SECRET: z.optional(z.string().check(z.minLength(32))),
});

export interface RuntimeConfig {
  tableName: string;
  endpoint: string | undefined;
  city: City;
  userPoolId: string | undefined;
  mailConfigurationSet: string | undefined;
  exportBucket: string | undefined;
  exportDir: string | undefined;
  originSecret: string | undefined;
}

let cached: RuntimeConfig | undefined;

/**
 * The process configuration, parsed once and cached (a Lambda cold start fails fast here).
 * @throws Error naming each missing or malformed variable.
 */
export function runtimeConfig(
  // The explicit `process.env.CITY_CONFIG` is what the Lambda bundler's `define` replaces with the
  // city's JSON (infra/aws/bundling.ts); reading it through the env object would hide it.
  env: NodeJS.ProcessEnv = { ...process.env, CITY_CONFIG: process.env.CITY_CONFIG },
): RuntimeConfig {
  if (cached) return cached;
  const parsed = z.safeParse(envSchema, env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Mutua runtime configuration is invalid: ${problems}`);
  }
  cached = {
    tableName: parsed.data.TABLE_NAME,
    endpoint: parsed.data.DYNAMODB_ENDPOINT,
    city: parseCityJson(parsed.data.CITY_CONFIG, "CITY_CONFIG"),
    userPoolId: parsed.data.USER_POOL_ID,
    mailConfigurationSet: parsed.data.MAIL_CONFIGURATION_SET,
    exportBucket: parsed.data.EXPORT_BUCKET,
    exportDir: parsed.data.EXPORT_DIR,
    originSecret: parsed.data.ORIGIN_SECRET,
  };
  return cached;
}

/** Forgets the cached configuration; the local runtime calls it when it points handlers at a new store. */
export function resetRuntimeConfig(): void {
  cached = undefined;
}
