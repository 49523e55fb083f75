/** mulberry32: small, fast and seedable, so every run builds the same city. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * One seeded stream and the helpers that draw from it. A bench's figures depend on the order of
 * its draws, so each helper draws a fixed number of times: `pick` once, `gaussian` twice.
 */
export function seeded(seed: number) {
  const random = prng(seed);
  return {
    random,
    pick: <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T,
    /** Box-Muller: a standard normal draw. */
    gaussian: () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  };
}
export type Draws = ReturnType<typeof seeded>;

/** Chooses from `ranked` (most popular first) with weights falling as 1/rank (Zipf, s = 1); one draw. */
export function zipf<T>(ranked: readonly T[], random: () => number): () => T {
  const total = ranked.reduce((sum, _c, i) => sum + 1 / (i + 1), 0);
  return () => {
    let r = random() * total;
    for (let i = 0; i < ranked.length; i++) {
      r -= 1 / (i + 1);
      if (r <= 0) return ranked[i] as T;
    }
    return ranked[0] as T;
  };
}
