/** One ranked candidate for a post, best first. */
export interface RankedCandidate {
  memberId: string;
  score: number;
}

export interface NoticePlan {
  /** Told now, within their daily budget and outside quiet hours. */
  now: string[];
  /** Chosen but held for the daily digest (budget spent, or quiet hours). */
  digest: string[];
}

/**
 * Chooses who hears about a post: the best `topK` candidates not told before. Each gets a notice
 * now if their daily budget allows and it is not quiet time; otherwise the match waits for their
 * digest. Nobody else is told, so a post never floods the city.
 */
export function planNotices(
  ranked: readonly RankedCandidate[],
  options: {
    topK: number;
    alreadyTold: ReadonlySet<string>;
    budgetLeft: (memberId: string) => number;
    quiet: boolean;
  },
): NoticePlan {
  const plan: NoticePlan = { now: [], digest: [] };
  for (const candidate of ranked) {
    if (plan.now.length + plan.digest.length >= options.topK) break;
    if (options.alreadyTold.has(candidate.memberId)) continue;
    if (!options.quiet && options.budgetLeft(candidate.memberId) > 0) plan.now.push(candidate.memberId);
    else plan.digest.push(candidate.memberId);
  }
  return plan;
}
