import { expect, it } from "vitest";
import { describeFailure, runFuzz } from "../support/fuzz/engine.ts";
import { seedNote, testSeed } from "../support/seed.ts";

/**
 * The API fuzzer, short run: every operation of the OpenAPI document gets generated hostile
 * requests (wrong types, sizes, encodings and shapes in bodies, queries, path ids, cursors and
 * headers) from every kind of caller. Nothing may answer 5xx, every error is in the house shape
 * with a documented code, and a refused request changes no item of the table. The seed is the
 * run's (test/support/seed.ts: fixed, printed, MUTUA_TEST_SEED overrides it); MUTUA_FUZZ_RUNS sets
 * the number of requests. `npm run fuzz -- --runs N` runs long.
 */
const seed = testSeed;
const runs = Number(process.env.MUTUA_FUZZ_RUNS ?? 8);

it("finds nothing in any operation", async () => {
  console.log(`API fuzzer: ${seedNote()}, ${runs} requests per operation (MUTUA_FUZZ_RUNS)`);
  const report = await runFuzz({ seed, runsPerOperation: runs });
  expect(report.operations).toBeGreaterThan(40);
  expect(report.requests).toBe(report.operations * runs);
  expect(report.failures.map(describeFailure)).toEqual([]);
  expect(report.serverErrors).toBe(0);
  expect(report.writesOnRejection).toBe(0);
  // The requests are not all refused at the door: some reach the rules behind it.
  expect(Object.keys(report.accepted).length).toBeGreaterThan(report.operations / 2);
});
