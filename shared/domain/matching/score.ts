import type { AvailabilityWindow } from "#domain/membership/member.ts";
import type { City } from "#shared/config/city.ts";

export const scoreParts = [
  "skill",
  "distance",
  "availability",
  "language",
  "reciprocity",
  "trust",
  "responsiveness",
  "freshness",
] as const;
export type ScorePart = (typeof scoreParts)[number];
export type Weights = City["matching"]["weights"];

/** What is known about one candidate for one post; every field is measured, none is guessed. */
export interface MatchSignals {
  /** The category as people read it (its name, not its id), and the tags both sides share. */
  skill: { category: string | undefined; sharedTags: readonly string[] };
  /** undefined when either side has no location; online posts pass `online: true`. */
  distanceMetres: number | undefined;
  online: boolean;
  /** Weekly minutes both sides are free; undefined when either side gave no windows. */
  availabilityOverlapMinutes: number | undefined;
  /** Language names (not codes), as reasons show them. */
  sharedLanguages: readonly string[];
  /** The candidate's role in the exchange this match could become. */
  candidateGives: boolean;
  /**
   * Candidate's balance (minutes), and the minutes they have given to people in settled exchanges
   * (not welcome credits, grants or awards), if they have an account.
   */
  balance: number | undefined;
  givenMinutes: number | undefined;
  trust: { pastExchanges: number; twoHopConnections: number; completionRate: number | undefined };
  /** Share of match notices the candidate answered (accept or decline), if they had any. */
  responseRate: number | undefined;
  postAgeHours: number;
}

export interface ScoredMatch {
  /** 0..1, the weighted mean of the parts. */
  score: number;
  parts: Record<ScorePart, number>;
  /** Short reasons a person can read, strongest first. */
  why: string[];
}

const clamp = (n: number) => Math.min(1, Math.max(0, n));

function metres(distance: number): string {
  return distance < 1000
    ? `${Math.max(50, Math.round(distance / 50) * 50)} m away`
    : `${(distance / 1000).toFixed(1)} km away`;
}

/** Minutes per week two sets of weekly windows overlap. */
export function weeklyOverlapMinutes(
  a: readonly AvailabilityWindow[],
  b: readonly AvailabilityWindow[],
): number {
  const toMinutes = (hhmm: string) => {
    const [h = "0", m = "0"] = hhmm.split(":");
    return Number(h) * 60 + Number(m);
  };
  let total = 0;
  for (const x of a) {
    for (const y of b) {
      if (x.day !== y.day) continue;
      total += Math.max(
        0,
        Math.min(toMinutes(x.to), toMinutes(y.to)) - Math.max(toMinutes(x.from), toMinutes(y.from)),
      );
    }
  }
  return total;
}

/**
 * Scores one candidate for one post and says why. Each part is 0..1; unknowns score a neutral 0.5
 * so missing data neither sinks nor lifts a candidate.
 */
export function scoreMatch(signals: MatchSignals, weights: Weights, maxRadiusKm: number): ScoredMatch {
  const why: { weight: number; text: string }[] = [];
  const tagShare = clamp(signals.skill.sharedTags.length / 3);
  const skill = clamp((signals.skill.category ? 0.6 : 0) + 0.4 * tagShare);
  if (signals.skill.category) {
    const tags = signals.skill.sharedTags.slice(0, 3).join(", ");
    // The candidate's side of the exchange this could become: a giver offers, an asker asks.
    const does = signals.candidateGives ? "offers" : "asks for";
    why.push({
      weight: weights.skill * skill,
      text: `${does} ${signals.skill.category}${tags ? ` (${tags})` : ""}`,
    });
  } else if (signals.skill.sharedTags.length > 0) {
    why.push({
      weight: weights.skill * skill,
      text: `mentions ${signals.skill.sharedTags.slice(0, 3).join(", ")}`,
    });
  }

  let distance = 0.5;
  if (signals.online) {
    distance = 0.75;
    why.push({ weight: weights.distance * distance, text: "can be done online" });
  } else if (signals.distanceMetres !== undefined) {
    distance = clamp(1 - signals.distanceMetres / (maxRadiusKm * 1000));
    why.push({ weight: weights.distance * distance, text: metres(signals.distanceMetres) });
  }

  let availability = 0.5;
  if (signals.availabilityOverlapMinutes !== undefined) {
    availability = clamp(signals.availabilityOverlapMinutes / 120);
    if (signals.availabilityOverlapMinutes > 0) {
      const hours = Math.round(signals.availabilityOverlapMinutes / 30) / 2;
      why.push({
        weight: weights.availability * availability,
        text: `free at the same times (${hours} h a week)`,
      });
    }
  }

  const language = signals.sharedLanguages.length > 0 ? 1 : 0;
  if (language) {
    why.push({ weight: weights.language, text: `speaks ${signals.sharedLanguages.join(", ")}` });
  }

  // Reciprocity: help flows both ways. A giver in debt is favoured (giving earns back), and a
  // receiver who has given much is favoured (they have earned help).
  let reciprocity = 0.5;
  if (signals.candidateGives && signals.balance !== undefined) {
    reciprocity = clamp(0.5 - signals.balance / 1200);
    if (signals.balance < 0)
      why.push({ weight: weights.reciprocity * reciprocity, text: "would like to earn hours back" });
  } else if (!signals.candidateGives && signals.givenMinutes !== undefined) {
    reciprocity = clamp(signals.givenMinutes / 600);
    if (signals.givenMinutes >= 60) {
      why.push({
        weight: weights.reciprocity * reciprocity,
        text: `has given ${Math.round(signals.givenMinutes / 60)} h to others`,
      });
    }
  }

  const { pastExchanges, twoHopConnections, completionRate } = signals.trust;
  const acquaintance = pastExchanges > 0 ? 1 : twoHopConnections > 0 ? 0.6 : 0.3;
  const trust = clamp(acquaintance * (completionRate === undefined ? 1 : 0.5 + 0.5 * completionRate));
  if (pastExchanges > 0) {
    why.push({
      weight: weights.trust * trust,
      text: `you have exchanged ${pastExchanges === 1 ? "once" : `${pastExchanges} times`} before`,
    });
  } else if (twoHopConnections > 0) {
    why.push({
      weight: weights.trust * trust,
      text: `has exchanged with ${twoHopConnections} of your contacts`,
    });
  }

  const responsiveness = signals.responseRate ?? 0.5;
  const freshness = clamp(2 ** (-signals.postAgeHours / 72));

  const parts: Record<ScorePart, number> = {
    skill,
    distance,
    availability,
    language,
    reciprocity,
    trust,
    responsiveness,
    freshness,
  };
  return {
    score: scoreOfParts(parts, weights),
    parts,
    why: why.sort((a, b) => b.weight - a.weight).map((w) => w.text),
  };
}

/**
 * The score of a set of parts: their weighted mean, rounded to three decimals. Monotone in every
 * part, so parts bounded from above give a score bounded from above.
 */
export function scoreOfParts(parts: Record<ScorePart, number>, weights: Weights): number {
  const totalWeight = scoreParts.reduce((sum, part) => sum + weights[part], 0);
  const score =
    totalWeight === 0
      ? 0
      : scoreParts.reduce((sum, part) => sum + weights[part] * parts[part], 0) / totalWeight;
  return Math.round(score * 1000) / 1000;
}
