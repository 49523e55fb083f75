import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { loadCity } from "../infra/aws/app.ts";
import { esbuildOptions, lambdaBundle } from "../infra/aws/bundling.ts";
import { httpEntrySource } from "../infra/aws/http-entry.ts";
import { streamRouterSource } from "../infra/aws/stream-entry.ts";
import { consumersOf, functionPlans } from "../infra/manifest.ts";
import { repoRoot } from "../infra/repo-root.ts";

const CITY_FILE = "cities/example.json";
/** Per function, minified: past this a cold start pays noticeably for parsing code it never runs. */
const BUDGET_BYTES = 400 * 1024;
const TOP_PACKAGES = 8;
/** Fresh processes per bundle for its module initialisation time; the median is reported. */
const INIT_RUNS = 5;
/** The goal for a function's cold init on AWS (issue: no function above it). */
const INIT_GOAL_MS = 250;

/**
 * Milliseconds a fresh Node process takes to import a bundle (parse, compile, run its top level):
 * the part of a Lambda cold start the bundle decides. Measured inside the child, so Node's own
 * start-up is not counted; the median of several runs.
 */
function initMs(file: string): number {
  const script =
    "const t = performance.now(); await import(process.argv[1]); " +
    "process.stdout.write(String(performance.now() - t));";
  const runs = Array.from({ length: INIT_RUNS }, () =>
    Number(
      execFileSync(process.execPath, ["--input-type=module", "-e", script, pathToFileURL(file).href], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", TABLE_NAME: "bench", AWS_REGION: "eu-west-1" },
      }),
    ),
  ).sort((a, b) => a - b);
  return Math.round((runs[Math.floor(runs.length / 2)] ?? 0) * 10) / 10;
}

interface FunctionFigures {
  /** Handler modules bundled into the function (an HTTP feature function holds several routes). */
  handlerModules: number;
  minifiedBytes: number;
  gzipBytes: number;
  /** Whether the city JSON made it into the bundle (expected wherever runtime config is read). */
  cityConfigInlined: boolean;
  /** Median module initialisation in a fresh Node process, ms (see `initMs`). */
  initMs: number;
}

/** Output bytes per npm package (or per first-party folder), largest first. */
function bytesByPackage(metafile: esbuild.Metafile): Record<string, number> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg =
        input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? input.split("/").slice(0, 2).join("/");
      totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]).slice(0, TOP_PACKAGES));
}

/**
 * Bundles every function the manifest implies exactly as the CDK stack does (same esbuild
 * settings, same inlined city, the same generated entry for HTTP feature functions) and weighs
 * each bundle, minified and gzipped.
 */
export async function run(): Promise<Record<string, unknown>> {
  const city = loadCity(path.join(repoRoot, CITY_FILE));
  const bundle = lambdaBundle(city);
  const cityJson = JSON.stringify(city);
  const functions: Record<string, FunctionFigures> = {};
  const packages: Record<string, Record<string, number>> = {};
  const dir = mkdtempSync(path.join(tmpdir(), "mutua-bundles-"));
  const written = (name: string, contents: Uint8Array) => {
    const file = path.join(dir, `${name}.mjs`);
    writeFileSync(file, contents);
    return file;
  };
  // The baseline: an empty handler with the same settings, imported the same way in the same run.
  const empty = await esbuild.build({
    ...esbuildOptions(bundle),
    stdin: { contents: "export const handler = async () => {};", loader: "ts" },
    outfile: "index.mjs",
    write: false,
    logLevel: "silent",
  });
  const baselineMs = initMs(written("empty-handler", empty.outputFiles[0]?.contents ?? new Uint8Array()));

  for (const plan of functionPlans()) {
    const { name } = plan;
    const [handler = ""] = plan.handlers;
    const generated =
      plan.trigger === "http"
        ? httpEntrySource(plan, repoRoot)
        : plan.trigger === "stream"
          ? streamRouterSource(plan.name, consumersOf(plan.name), repoRoot)
          : undefined;
    const entry: esbuild.BuildOptions = generated
      ? { stdin: { contents: generated, resolveDir: repoRoot, loader: "ts" } }
      : { entryPoints: [path.join(repoRoot, handler)] };
    const result = await esbuild.build({
      ...esbuildOptions(bundle),
      absWorkingDir: repoRoot,
      ...entry,
      outfile: "index.mjs",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const code = result.outputFiles.find((f) => f.path.endsWith(".mjs"));
    if (!code) throw new Error(`esbuild produced no bundle for ${name}`);
    const figures = {
      handlerModules: plan.handlers.length,
      minifiedBytes: code.contents.byteLength,
      gzipBytes: gzipSync(code.contents, { level: 9 }).byteLength,
      cityConfigInlined: code.text.includes(cityJson),
      initMs: initMs(written(name, code.contents)),
    };
    functions[name] = figures;
    packages[name] = bytesByPackage(result.metafile);
    console.error(
      `[bundles] ${name}: ${(figures.minifiedBytes / 1024).toFixed(1)} KiB minified, ` +
        `${(figures.gzipBytes / 1024).toFixed(1)} KiB gzip, init ${figures.initMs} ms${figures.minifiedBytes > BUDGET_BYTES ? " (over budget)" : ""}`,
    );
  }

  rmSync(dir, { recursive: true, force: true });
  const slowest = Object.entries(functions).sort((a, b) => b[1].initMs - a[1].initMs)[0];
  const [largestFunction = "", largest] =
    Object.entries(functions).sort((a, b) => b[1].minifiedBytes - a[1].minifiedBytes)[0] ?? [];
  return {
    city: CITY_FILE,
    esbuildVersion: esbuild.version,
    target: bundle.target,
    format: bundle.format,
    functionCount: Object.keys(functions).length,
    functions,
    largestFunction,
    largestMinifiedBytes: largest?.minifiedBytes ?? 0,
    largestGzipBytes: largest?.gzipBytes ?? 0,
    /** Where the largest bundle's bytes come from, to show what a size change is made of. */
    largestFunctionTopPackages: packages[largestFunction] ?? {},
    budgetBytes: BUDGET_BYTES,
    allUnderBudget: Object.values(functions).every((f) => f.minifiedBytes <= BUDGET_BYTES),
    initRuns: INIT_RUNS,
    initNode: process.version,
    /** The same import of an empty handler bundle, in the same run: what any function pays. */
    emptyHandlerInitMs: baselineMs,
    slowestInitFunction: slowest?.[0] ?? "",
    slowestInitMs: slowest?.[1].initMs ?? 0,
    /** A proxy only: Lambda's init also loads the runtime and (with tracing) the X-Ray client. */
    initGoalMs: INIT_GOAL_MS,
    allInitUnderGoal: Object.values(functions).every((f) => f.initMs <= INIT_GOAL_MS),
  };
}
