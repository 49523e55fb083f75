import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, expect, it } from "vitest";
import { esbuildOptions, lambdaBundle } from "../../infra/aws/bundling.ts";
import { repoRoot } from "../../infra/local/paths.ts";
import { exampleCity } from "../support/city.ts";

const outDir = mkdtempSync(join(tmpdir(), "mutua-bundle-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it("ships real ESM bundles with the AWS SDK inside and the require shim on top", async () => {
  const result = await build({
    ...esbuildOptions(lambdaBundle(exampleCity())),
    entryPoints: [resolve(repoRoot, "functions/http/me.ts")],
    write: false,
    outfile: join(outDir, "me.mjs"),
  });
  const code = result.outputFiles[0]?.text ?? "";
  expect(code.startsWith('import { createRequire as __mutuaCreateRequire } from "node:module";')).toBe(true);
  expect(code).not.toMatch(/from\s*"@aws-sdk\//);
  expect(code).toContain("DynamoDBClient");
  // The env-only credential provider replaced the SDK's default chain (SSO, STS, IMDS, profiles).
  expect(code).not.toContain("fromSSO");
});

it("a deployed bundle runs on Node with the city inlined and no CITY_CONFIG variable", async () => {
  const city = exampleCity();
  const result = await build({
    ...esbuildOptions(lambdaBundle(city)),
    entryPoints: [resolve(repoRoot, "functions/http/health.ts")],
    write: false,
    outfile: join(outDir, "index.mjs"),
  });
  const file = join(outDir, "index.mjs");
  writeFileSync(file, result.outputFiles[0]?.text ?? "");

  const saved = { city: process.env.CITY_CONFIG, table: process.env.TABLE_NAME };
  delete process.env.CITY_CONFIG;
  process.env.TABLE_NAME = "bundle-test";
  try {
    const module: {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    } = await import(pathToFileURL(file).href);
    const response = await module.handler(
      {
        version: "2.0",
        rawPath: "/health",
        headers: {},
        isBase64Encoded: false,
        requestContext: { requestId: "r", http: { method: "GET", path: "/health" } },
      },
      { awsRequestId: "r", getRemainingTimeInMillis: () => 1000 },
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: "ok", city: city.id });
  } finally {
    if (saved.city !== undefined) process.env.CITY_CONFIG = saved.city;
    if (saved.table !== undefined) process.env.TABLE_NAME = saved.table;
  }
});
