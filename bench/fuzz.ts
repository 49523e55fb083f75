import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "../infra/local/paths.ts";
import { describeFailure, runFuzz } from "../test/support/fuzz/engine.ts";

/**
 * The long run of the API fuzzer (the short one is part of `npm test`):
 * `npm run fuzz -- --runs N [--seed S]` sends N generated hostile requests to every operation of
 * the OpenAPI document and writes its figures to bench/out/fuzz.json. Exits 1 if it found anything.
 */
const { values } = parseArgs({
  options: { runs: { type: "string", default: "200" }, seed: { type: "string" } },
});
const runs = Number(values.runs);
const seed = Number(values.seed ?? process.env.MUTUA_FUZZ_SEED ?? Date.now() % 2 ** 31);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error("--runs takes a whole number of requests per operation");

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

console.error(`[fuzz] seed ${seed}, ${runs} requests per operation`);
const started = performance.now();
const report = await runFuzz({
  seed,
  runsPerOperation: runs,
  onOperation: (key, done, total) => console.error(`[fuzz] ${done}/${total} ${key}`),
});
const figures = {
  benchmark: "fuzz",
  commit: commit(),
  node: process.version,
  ranAt: new Date().toISOString(),
  durationMs: Math.round(performance.now() - started),
  seed,
  runsPerOperation: runs,
  operations: report.operations,
  requests: report.requests,
  serverErrors: report.serverErrors,
  writesOnRejection: report.writesOnRejection,
  failures: report.failures.length,
  operationsReachingUseCases: Object.keys(report.accepted).length,
  statuses: report.statuses,
  codes: report.codes,
  byOperation: report.byOperation,
  failureDetails: report.failures.slice(0, 50).map(describeFailure),
};
mkdirSync(resolve(repoRoot, "bench/out"), { recursive: true });
writeFileSync(resolve(repoRoot, "bench/out/fuzz.json"), `${JSON.stringify(figures, null, 2)}\n`);
console.error("[fuzz] wrote bench/out/fuzz.json");
console.log(JSON.stringify({ ...figures, failureDetails: undefined }, null, 2));
for (const line of figures.failureDetails) console.error(line);
process.exit(report.failures.length > 0 ? 1 : 0);
