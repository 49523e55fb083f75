/**
 * The one seed of every randomised test: fast-check properties and samples, the API fuzzer and any
 * random choice a test makes. It is fixed, so two runs send the same cases; `MUTUA_TEST_SEED=<n>`
 * replays or varies a run. test/support/seed-report.ts prints it beside every failed test.
 */
export const SEED_VARIABLE = "MUTUA_TEST_SEED";
const DEFAULT_SEED = 20_261_204;

/** Reads a seed from the environment value, or the default when none is set. */
export function parseSeed(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DEFAULT_SEED;
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`${SEED_VARIABLE} must be an integer, not ${JSON.stringify(value)}`);
  }
  // fast-check takes a 32-bit seed; keep larger values meaningful rather than truncated silently.
  return seed | 0;
}

/** The seed of this run. */
export const testSeed = parseSeed(process.env[SEED_VARIABLE]);

/** How to replay this run, for a failure message. */
export function seedNote(): string {
  return `seed ${testSeed} (replay with ${SEED_VARIABLE}=${testSeed})`;
}

/** A small, fast generator of numbers in [0, 1) from a 32-bit seed (mulberry32). */
export function randomFrom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A generator seeded from the run's seed and a label, so each use draws its own stream and adding
 * one use does not change the numbers another sees.
 */
export function seededRandom(label: string): () => number {
  let hash = testSeed ^ 0x811c9dc5;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
  return randomFrom(hash);
}

const shared = seededRandom("shared");

/** The run's shared random number in [0, 1): the only replacement for `Math.random()` in tests. */
export function random(): number {
  return shared();
}

/** A short random suffix (letters and digits) for names that must not collide. */
export function randomSuffix(length = 8): string {
  let out = "";
  while (out.length < length) out += Math.floor(random() * 36).toString(36);
  return out;
}

/** fast-check parameters with the run's seed, for `fc.assert` and `fc.sample`. */
export function withSeed<T extends object>(parameters?: T): T & { seed: number } {
  return { ...(parameters ?? ({} as T)), seed: testSeed };
}
