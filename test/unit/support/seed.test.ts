import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../../infra/local/paths.ts";
import {
  parseSeed,
  randomFrom,
  SEED_VARIABLE,
  seededRandom,
  testSeed,
  withSeed,
} from "../../support/seed.ts";

const testDir = join(repoRoot, "test");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const seedModule = join(testDir, "support", "seed.ts");
const files = sources(testDir).filter(
  (file) => file !== seedModule && file !== fileURLToPath(import.meta.url),
);

describe("one seed for every randomised test", () => {
  it("is fixed by default and read from the environment variable", () => {
    expect(parseSeed(undefined)).toBe(parseSeed(""));
    expect(parseSeed("123")).toBe(123);
    expect(parseSeed("-5")).toBe(-5);
    expect(() => parseSeed("soon")).toThrow(SEED_VARIABLE);
    expect(withSeed({ numRuns: 3 })).toEqual({ numRuns: 3, seed: testSeed });
  });

  it("draws the same numbers from the same seed and label, other numbers from another label", () => {
    const draw = (next: () => number) => Array.from({ length: 5 }, next);
    expect(draw(randomFrom(42))).toEqual(draw(randomFrom(42)));
    expect(draw(randomFrom(42))).not.toEqual(draw(randomFrom(43)));
    expect(draw(seededRandom("a"))).toEqual(draw(seededRandom("a")));
    expect(draw(seededRandom("a"))).not.toEqual(draw(seededRandom("b")));
    for (const n of draw(seededRandom("range"))) expect(n >= 0 && n < 1).toBe(true);
  });

  it("no test draws from Math.random or seeds itself from the clock", () => {
    expect(files.length).toBeGreaterThan(50);
    const unseeded = files.filter((file) => {
      const text = readFileSync(file, "utf8");
      return /Math\.random\(/.test(text) || /Date\.now\(\)\s*%/.test(text);
    });
    expect(unseeded.map((file) => relative(repoRoot, file))).toEqual([]);
  });

  it("every fast-check run takes the run's seed", () => {
    const fastCheck = files.filter((file) =>
      /\bfc\.(assert|sample|check)\(/.test(readFileSync(file, "utf8")),
    );
    expect(fastCheck.length).toBeGreaterThan(3);
    const unseeded = fastCheck.filter((file) => {
      const text = readFileSync(file, "utf8");
      const runs = text.match(/\bfc\.(assert|sample|check)\(/g)?.length ?? 0;
      const seeded = text.match(/withSeed\(|seed: seedOf\(/g)?.length ?? 0;
      return seeded < runs;
    });
    expect(unseeded.map((file) => relative(repoRoot, file))).toEqual([]);
  });
});
