import geohash from "ngeohash";
import { distanceMetres, type Point } from "#domain/kernel/geo.ts";
import type { Member } from "#domain/membership/member.ts";
import type { Post } from "#domain/posts/post.ts";
import type { City } from "#shared/config/city.ts";
import { FINE_CELL, type IndexEntry, NOWHERE, ONLINE, type Side } from "./index-entries.ts";
import type { DigestAddress, DigestProfile, MemberSignals } from "./ports.ts";

// The digests' shapes are the index port's (so the port needs nothing from here).
export type { DigestAddress, DigestProfile, DigestRecord } from "./ports.ts";

/**
 * Cell digests: every index entry of one side, category and fine cell (or ONLINE / NOWHERE) is
 * packed, as a compact record, into a few items (shards by member id), so a search reads every
 * entry within its radius in one round of batch reads. Each record carries its member's profile:
 * what bounds a score without loading the member (languages, flags, blocked ids) and the slowly
 * changing signals rounded *up* to steps, so a bound computed from them stays a bound.
 */

/** Steps a signal part (0..1) is rounded up to: 1/20 = 0.05 of a part. */
export const STEPS = 20;

const clamp = (n: number) => Math.min(1, Math.max(0, n));

/** The step at or just above a part (0..1): `step / STEPS` is never below it. */
export function stepUp(part: number): number {
  let step = Math.ceil(clamp(part) * STEPS);
  if (step / STEPS < part && step < STEPS) step += 1;
  return step;
}

/** The signal parts `scoreCandidate` derives from a member's signals (see score.ts), as they are. */
export function signalParts(signals: MemberSignals | undefined) {
  const finished = (signals?.settled ?? 0) + (signals?.cancelled ?? 0);
  return {
    giverReciprocity: signals?.balance === undefined ? 0.5 : clamp(0.5 - signals.balance / 1200),
    askerReciprocity: signals?.givenMinutes === undefined ? 0.5 : clamp(signals.givenMinutes / 600),
    responsiveness: signals && signals.told > 0 ? (signals.answered + 1) / (signals.told + 2) : 0.5,
    completion: finished > 0 ? 0.5 + (0.5 * (signals?.settled ?? 0)) / finished : 1,
  };
}

/** What a profile takes from the member's signals: each part rounded up to its step. */
export function signalSteps(
  signals: MemberSignals | undefined,
): Pick<
  DigestProfile,
  "giverReciprocity" | "askerReciprocity" | "responsiveness" | "completion" | "partners"
> {
  const parts = signalParts(signals);
  return {
    giverReciprocity: stepUp(parts.giverReciprocity),
    askerReciprocity: stepUp(parts.askerReciprocity),
    responsiveness: stepUp(parts.responsiveness),
    completion: stepUp(parts.completion),
    partners: Object.keys(signals?.partners ?? {}).length > 0,
  };
}

/** What a profile takes from the member item (undefined: a member who is gone). */
export function memberProfile(
  member: Member | undefined,
): Pick<DigestProfile, "languages" | "verified" | "active" | "blocked" | "windows"> {
  return {
    languages: member?.languages ?? [],
    verified: member?.verified ?? false,
    active: member?.status === "active",
    blocked: member?.blocked ?? [],
    windows: member?.availability ?? [],
  };
}

/** A member's profile as it is now: what their member item says, and their signals' steps. */
export function freshProfile(member: Member | undefined, signals: MemberSignals | undefined): DigestProfile {
  return { ...memberProfile(member), ...signalSteps(signals) };
}

const STEP_FIELDS = ["giverReciprocity", "askerReciprocity", "responsiveness", "completion"] as const;
type StepField = (typeof STEP_FIELDS)[number];

/**
 * Steps of headroom stored above each signal's own step, and how far it must fall below the step
 * it was stored from before it is stored again. A rise within the headroom, or a fall of less than
 * `fall`, leaves the digests as they are: fewer rewrites per signal event, for bounds up to
 * `headroom + fall - 1` steps looser. Chosen by measurement (`npm run bench -- matching`): the
 * responsiveness of a member with few notices moves by several steps at each notice.
 */
export interface StepRule {
  headroom: Readonly<Record<StepField, number>>;
  fall: number;
}
export const STEP_RULE: StepRule = {
  headroom: { giverReciprocity: 3, askerReciprocity: 3, responsiveness: 6, completion: 2 },
  fall: 4,
};

/**
 * The profile to store, given the stored one: flags as they are now; a signal step stored with its
 * headroom when nothing was stored, when it rose above what is stored (a bound must stay a bound),
 * or when it fell `fall` steps below the step it was stored from (stored minus headroom); else as
 * stored. Stored steps are never below the fresh ones.
 */
export function settledProfile(
  stored: DigestProfile | undefined,
  fresh: DigestProfile,
  rule: StepRule = STEP_RULE,
): DigestProfile {
  const roomy = (field: StepField) => Math.min(STEPS, fresh[field] + rule.headroom[field]);
  const next: DigestProfile = { ...fresh, partners: (stored?.partners ?? false) || fresh.partners };
  for (const field of STEP_FIELDS) {
    const kept = stored?.[field];
    next[field] =
      kept === undefined || fresh[field] > kept || fresh[field] <= kept - rule.headroom[field] - rule.fall
        ? roomy(field)
        : kept;
  }
  return next;
}

const PROFILE_FIELDS = [
  "languages",
  "verified",
  "active",
  "blocked",
  "windows",
  ...STEP_FIELDS,
  "partners",
] as const satisfies readonly (keyof DigestProfile)[];

/** Whether two profiles would be stored alike (field by field, whatever order their keys were set in). */
export function sameProfile(a: DigestProfile | undefined, b: DigestProfile | undefined): boolean {
  if (!a || !b) return a === b;
  return PROFILE_FIELDS.every((field) => JSON.stringify(a[field]) === JSON.stringify(b[field]));
}

/** The shard of a member's records (FNV-1a of the member id): the same in every digest. */
export function shardOf(memberId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < memberId.length; i++) {
    hash ^= memberId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

/** Metres from a point to the nearest point of a geohash cell (0 inside it). */
function metresToCell(point: Point, cell: string): number {
  const [south, west, north, east] = geohash.decode_bbox(cell);
  const nearest = {
    lat: Math.min(Math.max(point.lat, south), north),
    lon: Math.min(Math.max(point.lon, west), east),
  };
  return distanceMetres(point, nearest);
}

/**
 * Every fine cell with a part within `metres` of a point (with a small margin: a cell too many
 * costs one key, a cell too few would lose people).
 */
export function cellsWithin(point: Point, metres: number): string[] {
  const reach = metres * 1.02 + 200;
  const dLat = reach / 111_320;
  const dLon = reach / (111_320 * Math.max(0.01, Math.cos((point.lat * Math.PI) / 180)));
  return geohash
    .bboxes(point.lat - dLat, point.lon - dLon, point.lat + dLat, point.lon + dLon, FINE_CELL)
    .filter((cell) => metresToCell(point, cell) <= reach);
}

/** Every fine cell of the city's map. */
export function cityCells(city: City): string[] {
  const { south, west, north, east } = city.map.bounds;
  return geohash.bboxes(south, west, north, east, FINE_CELL);
}

/**
 * The cells a search reads for a post: those within the city's radius of a placed post, or every
 * cell of the city for an online (or unplaced) post; always online helpers and those without a home.
 */
export function searchCells(post: Post, city: City): string[] {
  const cells =
    post.where.type !== "online" && post.location
      ? cellsWithin(post.location, city.matching.maxRadiusKm * 1000)
      : cityCells(city);
  return [...cells, ONLINE, NOWHERE];
}

/** Every shard of these cells, for one side and category. */
export function addressesOf(
  side: Side,
  category: string,
  cells: readonly string[],
  shards: number,
): DigestAddress[] {
  return cells.flatMap((cell) =>
    Array.from({ length: shards }, (_, shard) => ({ side, category, cell, shard })),
  );
}

/** The digest an entry belongs in. */
export function addressOf(entry: IndexEntry, shards: number): DigestAddress {
  return {
    side: entry.side,
    category: entry.category,
    cell: entry.cell,
    shard: shardOf(entry.memberId, shards),
  };
}
