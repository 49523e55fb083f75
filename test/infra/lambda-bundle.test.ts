import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, expect, it } from "vitest";
import { renderNotice } from "#domain/notices/render.ts";
import { besideBundle, esbuildOptions, lambdaBundle } from "../../infra/aws/bundling.ts";
import { httpEntrySource } from "../../infra/aws/http-entry.ts";
import { streamRouterSource } from "../../infra/aws/stream-entry.ts";
import { repoRoot } from "../../infra/local/paths.ts";
import { consumersOf, functionPlans, manifest } from "../../infra/manifest.ts";
import { exampleCity } from "../support/city.ts";

const outDir = mkdtempSync(join(tmpdir(), "mutua-bundle-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

it("ships real ESM bundles with the AWS SDK inside and the require shim on top", async () => {
  const result = await build({
    ...esbuildOptions(lambdaBundle(exampleCity())),
    entryPoints: [resolve(repoRoot, "functions/http/me/get.ts")],
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

it("a grouped HTTP function's generated entry dispatches on the route key, and 404s the rest", async () => {
  const plan = functionPlans().find((p) => p.name === `http-${manifest.notFound.fn}`);
  if (!plan) throw new Error("no function serves the catch-all");
  const result = await build({
    ...esbuildOptions(lambdaBundle(exampleCity())),
    stdin: { contents: httpEntrySource(plan, repoRoot), resolveDir: repoRoot, loader: "ts" },
    write: false,
    outfile: join(outDir, "grouped.mjs"),
  });
  const file = join(outDir, "grouped.mjs");
  writeFileSync(file, result.outputFiles[0]?.text ?? "");

  const saved = process.env.TABLE_NAME;
  process.env.TABLE_NAME = "bundle-test";
  try {
    const module: {
      handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
    } = await import(pathToFileURL(file).href);
    const invoke = (routeKey: string, method: string, rawPath: string) =>
      module.handler(
        {
          version: "2.0",
          routeKey,
          rawPath,
          headers: {},
          isBase64Encoded: false,
          requestContext: { requestId: "r", routeKey, http: { method, path: rawPath } },
        },
        { awsRequestId: "r", getRemainingTimeInMillis: () => 1000 },
      );
    const health = await invoke("GET /health", "GET", "/health");
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: "ok" });
    const unknown = await invoke("$default", "GET", "/nowhere");
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({
      error: { code: "NOT_FOUND", message: "No route for GET /nowhere" },
    });
  } finally {
    if (saved !== undefined) process.env.TABLE_NAME = saved;
    else delete process.env.TABLE_NAME;
  }
});

it("generates an entry that imports each route's own handler module and the dispatcher", () => {
  const plan = functionPlans().find((p) => p.name === "http-posts");
  if (!plan) throw new Error("no http-posts function");
  const source = httpEntrySource(plan, repoRoot);
  expect(source).toContain('from "./functions/http/dispatch.ts"');
  for (const [key, handler] of Object.entries(plan.routes)) {
    expect(source).toContain(`from "./${handler}"`);
    expect(source).toContain(JSON.stringify(key));
  }
});

it("declares as ledger writers exactly the functions whose bundles hold the posting code", async () => {
  // The IAM deny on journal lines and transfers follows the manifest's `writesLedger`; the bundles
  // say which functions can post at all (esbuild keeps only code a handler reaches).
  const bundle = esbuildOptions(lambdaBundle(exampleCity()));
  const writable = functionPlans().filter((p) => p.access === "readWrite");
  const posting = "shared/domain/ledger/posting.ts";
  for (const plan of writable) {
    const source =
      plan.trigger === "http"
        ? httpEntrySource(plan, repoRoot)
        : plan.trigger === "stream"
          ? streamRouterSource(plan.name, consumersOf(plan.name), repoRoot)
          : `export { handler } from "./${plan.handlers[0]}";`;
    const result = await build({
      ...bundle,
      minify: false,
      stdin: { contents: source, resolveDir: repoRoot, loader: "ts" },
      write: false,
      metafile: true,
      outfile: join(outDir, `${plan.name}.mjs`),
    });
    const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
    const posts = (inputs[posting]?.bytesInOutput ?? 0) > 0;
    expect(posts, `${plan.name} bundles ${posting}`).toBe(plan.writesLedger);
  }
});

it("keeps each stream router inside the 400 KB bundle budget", async () => {
  // The routers carry every consumer of theirs (the notices' router the SES and SNS clients too),
  // so a module one consumer reaches for a small helper can drag a feature's code in with it.
  const bundle = esbuildOptions(lambdaBundle(exampleCity()));
  for (const router of manifest.routers) {
    const result = await build({
      ...bundle,
      stdin: {
        contents: streamRouterSource(router.name, consumersOf(router.name), repoRoot),
        resolveDir: repoRoot,
        loader: "ts",
      },
      write: false,
      metafile: true,
      outfile: join(outDir, `${router.name}-budget.mjs`),
    });
    const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? Number.POSITIVE_INFINITY;
    expect(bytes, router.name).toBeLessThanOrEqual(400 * 1024);
  }
});

it("renders a notice from the catalogue file beside the bundle, which carries no catalogue nor ICU parser", async () => {
  const dir = join(outDir, "notices");
  const result = await build({
    ...esbuildOptions(lambdaBundle(exampleCity())),
    stdin: {
      contents: 'export { renderNotice } from "#domain/notices/render.ts";',
      resolveDir: repoRoot,
      loader: "ts",
    },
    write: false,
    metafile: true,
    outfile: join(dir, "index.mjs"),
  });
  const inputs = Object.keys(Object.values(result.metafile.outputs)[0]?.inputs ?? {});
  expect(inputs.filter((input) => /messageformat|moo|notices\/(messages|compiled)\//.test(input))).toEqual(
    [],
  );
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.mjs"), result.outputFiles[0]?.text ?? "");
  for (const [from, to] of Object.entries(besideBundle)) {
    cpSync(resolve(repoRoot, from), join(dir, to), { recursive: true });
  }
  const module: { renderNotice: typeof renderNotice } = await import(
    pathToFileURL(join(dir, "index.mjs")).href
  );
  const notice = {
    kind: "membership-approved",
    params: {},
  } as const;
  const dutch = module.renderNotice(notice, "nl", exampleCity());
  expect(dutch).toEqual(renderNotice(notice, "nl", exampleCity()));
  expect(dutch.language).toBe("nl");
  expect(dutch.title).not.toBe(renderNotice(notice, "en", exampleCity()).title);
});

it("keeps every HTTP function inside the 400 KB bundle budget", async () => {
  // A feature's functions carry all its routes: a route that reaches for a heavy module (a zip
  // library, another feature's code) can take its function over.
  const bundle = esbuildOptions(lambdaBundle(exampleCity()));
  for (const plan of functionPlans().filter((p) => p.trigger === "http")) {
    const result = await build({
      ...bundle,
      stdin: { contents: httpEntrySource(plan, repoRoot), resolveDir: repoRoot, loader: "ts" },
      write: false,
      metafile: true,
      outfile: join(outDir, `${plan.name}-budget.mjs`),
    });
    const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? Number.POSITIVE_INFINITY;
    expect(bytes, plan.name).toBeLessThanOrEqual(400 * 1024);
  }
});
