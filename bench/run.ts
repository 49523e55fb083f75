import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { repoRoot } from "../infra/local/paths.ts";

/** Each benchmark module exports `run()` returning a flat object of named, measured figures. */
const benchmarks: Record<string, () => Promise<{ run: () => Promise<Record<string, unknown>> }>> = {
  startup: () => import("./startup.ts"),
  bundles: () => import("./bundles.ts"),
  posts: () => import("./posts.ts"),
  ledger: () => import("./ledger.ts"),
  matching: () => import("./matching.ts"),
  schedules: () => import("./schedules.ts"),
  web: () => import("./web.ts"),
  conversations: () => import("./conversations.ts"),
};

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Known: ${Object.keys(benchmarks).join(", ")}`);
  process.exit(2);
}
const names = requested.length > 0 ? requested : Object.keys(benchmarks);
const outDir = resolve(repoRoot, "bench/out");
mkdirSync(outDir, { recursive: true });

for (const name of names) {
  const load = benchmarks[name];
  if (!load) continue;
  console.error(`[bench] ${name}: running`);
  const started = performance.now();
  const figures = await (await load()).run();
  const result = {
    benchmark: name,
    commit: commit(),
    node: process.version,
    ranAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    ...figures,
  };
  const file = resolve(outDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.error(`[bench] ${name}: wrote bench/out/${name}.json`);
  console.log(JSON.stringify(result, null, 2));
}
