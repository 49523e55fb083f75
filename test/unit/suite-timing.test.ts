import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../infra/repo-root.ts";
import config from "../../vitest.config.ts";

/**
 * No test may depend on machine speed: work is bounded, timeouts are a generous backstop against
 * a hang (one setting for the whole suite), and nothing waits a fixed time for something to happen.
 * The suite runs on two shared cores, where everything may take several times longer than alone.
 */
function testFiles(dir = join(repoRoot, "test")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Fixed waits that decide nothing: the shutdown fixture's only lets a wrongly killed store die. */
const allowedWaits = new Set(["test/fixtures/slow-consumer.ts"]);

describe("the test suite and machine speed", () => {
  it("gives every test and hook the same generous timeout", () => {
    expect(config.test?.testTimeout).toBeGreaterThanOrEqual(300_000);
    expect(config.test?.hookTimeout).toBeGreaterThanOrEqual(300_000);
  });

  it("sets no tighter timeout of its own in any test file", () => {
    const own = testFiles()
      .filter((file) => /\}, \d[\d_]*\);/.test(readFileSync(file, "utf8")))
      .map((file) => relative(repoRoot, file));
    expect(own).toEqual([]);
  });

  it("waits for events, not for a fixed time", () => {
    const sleepers = testFiles()
      .map((file) => relative(repoRoot, file))
      .filter((file) => !allowedWaits.has(file) && file !== "test/unit/suite-timing.test.ts")
      .filter((file) => /\bsleep\(|setTimeout\(/.test(readFileSync(join(repoRoot, file), "utf8")));
    expect(sleepers).toEqual([]);
    // The README's walkthrough runs as a test too: it waits for what it needs, never `sleep 2`.
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] ?? "").join("\n");
    expect(blocks).not.toMatch(/^\s*sleep \d/m);
  });
});
