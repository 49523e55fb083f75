import { createRequire } from "node:module";

const requireAtRunTime = createRequire(import.meta.url);

/**
 * An AWS SDK client package a function needs rarely (SMS sends, deleting a sign-in identity on
 * erasure, export archives in S3), loaded on first use instead of bundled: it keeps the stream routers inside their
 * 400 KB budget. In Lambda it comes from the runtime's own SDK (found through the runtime's
 * NODE_PATH); on one machine and in tests, from node_modules. A call made through it is not
 * pinned to the lockfile's SDK version, so only long-stable operations go this way.
 */
export function sdkAtRunTime<T>(
  name:
    | "@aws-sdk/client-sns"
    | "@aws-sdk/client-cognito-identity-provider"
    | "@aws-sdk/client-s3"
    | "@aws-sdk/s3-request-presigner",
): T {
  return requireAtRunTime(name) as T;
}
