import { fileURLToPath } from "node:url";
import { type BundlingOptions, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions } from "esbuild";
import type { City } from "#shared/config/city.ts";

/**
 * The one set of esbuild settings for Lambda bundles. `HouseFunction` hands it to NodejsFunction
 * and `bench/bundles.ts` hands it to esbuild directly, so what we measure is what we deploy.
 */
export interface LambdaBundle {
  format: "esm";
  platform: "node";
  /** Matches the deployed runtime (nodejs24.x). */
  target: "node24";
  minify: true;
  /** Off: a source map would double the upload and stack traces only reach our logs. */
  sourcemap: false;
  /** Prefer the ESM build of dependencies so tree-shaking can drop what a handler never calls. */
  mainFields: string[];
  /** Bundled CommonJS dependencies still call `require`; ESM output has none, so we define one. */
  banner: string;
  /** Build-time constants; the city config rides inside the bundle (no 4 KB env-var ceiling). */
  define: Record<string, string>;
  /** Module swaps (package name -> file): the SDK's default credential chain becomes env-only. */
  alias: Record<string, string>;
  /**
   * Nothing is external: the AWS SDK is bundled so each function runs the SDK version the
   * lockfile pins and tested, not whichever one the Lambda runtime happens to ship.
   */
  external: string[];
}

const LAMBDA_CREDENTIALS = fileURLToPath(new URL("./lambda-credentials.ts", import.meta.url));

/** The expression runtime code reads the city from; see shared/config/runtime.ts. */
export const CITY_CONFIG_EXPRESSION = "process.env.CITY_CONFIG";

// An alias nothing else in a bundle will declare, so the banner cannot collide with bundled code.
const REQUIRE_BANNER =
  'import { createRequire as __mutuaCreateRequire } from "node:module"; const require = __mutuaCreateRequire(import.meta.url);';

/** The bundle settings for one city's functions; `define` is a JS literal, as esbuild expects. */
export function lambdaBundle(city: City): LambdaBundle {
  return {
    format: "esm",
    platform: "node",
    target: "node24",
    minify: true,
    sourcemap: false,
    mainFields: ["module", "main"],
    banner: REQUIRE_BANNER,
    define: { [CITY_CONFIG_EXPRESSION]: JSON.stringify(JSON.stringify(city)) },
    alias: { "@aws-sdk/credential-provider-node": LAMBDA_CREDENTIALS },
    external: [],
  };
}

/** The same settings in the shape `esbuild.build` takes (bundle, no write: the caller decides). */
export function esbuildOptions(bundle: LambdaBundle): BuildOptions {
  return {
    bundle: true,
    format: bundle.format,
    platform: bundle.platform,
    target: bundle.target,
    minify: bundle.minify,
    sourcemap: bundle.sourcemap,
    mainFields: bundle.mainFields,
    banner: { js: bundle.banner },
    define: bundle.define,
    alias: bundle.alias,
    external: bundle.external,
  };
}

/** The same settings as NodejsFunction `bundling` props, bundled by the local esbuild (no Docker). */
export function nodejsBundling(bundle: LambdaBundle): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: bundle.target,
    minify: bundle.minify,
    sourceMap: bundle.sourcemap,
    mainFields: bundle.mainFields,
    banner: bundle.banner,
    define: bundle.define,
    esbuildArgs: Object.fromEntries(
      Object.entries(bundle.alias).map(([name, file]) => [`--alias:${name}`, file]),
    ),
    bundleAwsSDK: true,
    externalModules: bundle.external,
    forceDockerBundling: false,
  };
}
