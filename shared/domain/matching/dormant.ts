import geohash from "ngeohash";
import type { Deps } from "#domain/deps.ts";
import { distanceMetres } from "#domain/kernel/geo.ts";
import { inChunks, type PassOutcome, runPass } from "#domain/kernel/passes.ts";
import type { Member } from "#domain/membership/member.ts";
import { noticeContent } from "#domain/notices/kinds.ts";
import { notify } from "#domain/notices/notify.ts";
import { coarsePoint } from "#domain/posts/search/cells.ts";
import * as z from "../../zod.ts";
import { addressesOf } from "./digest.ts";
import { FINE_CELL } from "./index-entries.ts";

type DormantDeps = Pick<
  Deps,
  "members" | "city" | "clock" | "ids" | "inbox" | "matchIndex" | "signals" | "posts"
>;

/** ISO year and week of an instant, e.g. "2026-W48": a suggestion goes out at most once in it. */
export function isoWeek(instant: Date): string {
  const date = new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
  const day = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/**
 * One concrete, low-effort suggestion for a member who has never exchanged: the nearest open
 * request in one of their skills in their own cell or the cells around it ("someone 400 m away
 * needs 30 minutes of gardening"), read as one round of digest reads. Undefined when nothing fits
 * nearby. A coordinator who suggests it by hand is named in the notice.
 */
export async function suggestionFor(deps: DormantDeps, member: Member, coordinator?: string) {
  if (!member.home || member.skills.categories.length === 0) return undefined;
  const home = coarsePoint(member.home, deps.city.privacy.locationCellPrecision);
  // The member's own cell and its neighbours: a first exchange should be close by.
  const own = geohash.encode(home.lat, home.lon, FINE_CELL);
  const cells = [own, ...geohash.neighbors(own)];
  const addresses = member.skills.categories.flatMap((category) =>
    addressesOf("asks", category, cells, deps.city.matching.digestShards),
  );
  const { records } = await deps.matchIndex.read(addresses);
  let best: { postId: string; distance: number } | undefined;
  for (const { entry, profile } of records) {
    if (entry.memberId === member.memberId || !entry.location || entry.sensitive) continue;
    if (
      !profile.active ||
      profile.blocked.includes(member.memberId) ||
      member.blocked.includes(entry.memberId)
    )
      continue;
    const distance = distanceMetres(home, entry.location);
    if (distance > deps.city.matching.maxRadiusKm * 1000) continue;
    if (!best || distance < best.distance || (distance === best.distance && entry.source < best.postId))
      best = { postId: entry.source, distance };
  }
  if (!best) return undefined;
  const post = await deps.posts.get(best.postId);
  if (post?.status !== "open") return undefined;
  return {
    post,
    notice: noticeContent("suggestion", {
      postId: post.postId,
      postTitle: post.title,
      category: post.category,
      minutes: post.estimatedMinutes,
      distance: Math.round(best.distance),
      ...(coordinator ? { coordinator } : {}),
    }),
  };
}

/** Where the week's pass of suggestions stands: the area, the position in it and what it did. */
const dormantStateSchema = z.object({
  week: z.string(),
  area: z.int().check(z.gte(0)),
  cursor: z.optional(z.string()),
  considered: z.int().check(z.gte(0)),
  nudged: z.int().check(z.gte(0)),
});
export type DormantState = z.infer<typeof dormantStateSchema>;

/** Members read per step (one checkpoint each in the scheduled run), and members handled at once. */
export const DORMANT_PAGE = 100;
export const DORMANT_CONCURRENCY = 32;

/**
 * One step of the week's pass: a page of one area's active members (never a scan), each who has
 * never exchanged offered one concrete suggestion, several at a time. Safe to repeat: the week is
 * the notice's dedupe key, so a member is told at most once a week however often a page is redone.
 */
export async function dormantStep(
  deps: DormantDeps,
  state: DormantState,
): Promise<{ state: DormantState; done: boolean }> {
  const area = deps.city.areas[state.area];
  if (!area) return { state, done: true };
  const page = await deps.members.listByStatus("active", area.id, {
    limit: DORMANT_PAGE,
    cursor: state.cursor,
  });
  const people = page.items.filter((m) => m.kind === "person" && m.skills.categories.length > 0 && m.home);
  const signals = await deps.signals.getMany(people.map((m) => m.memberId));
  const dormant = people.filter((m) => (signals.get(m.memberId)?.settled ?? 0) === 0);
  const told = await inChunks(dormant, DORMANT_CONCURRENCY, async (member) => {
    const suggestion = await suggestionFor(deps, member);
    if (!suggestion) return false;
    const result = await notify(deps, {
      memberId: member.memberId,
      ...suggestion.notice,
      link: `/posts/${suggestion.post.postId}`,
      dedupeKey: `suggestion#${state.week}`,
    });
    return result === "delivered";
  });
  const next: DormantState = {
    ...state,
    considered: state.considered + dormant.length,
    nudged: state.nudged + told.filter(Boolean).length,
  };
  if (page.nextCursor) return { state: { ...next, cursor: page.nextCursor }, done: false };
  const following = { ...next, area: state.area + 1, cursor: undefined };
  return { state: following, done: following.area >= deps.city.areas.length };
}

/**
 * Members who have joined but never exchanged get one concrete suggestion each, at most once a
 * week (the week is the notice's dedupe key): the whole week's pass in one go.
 */
export async function nudgeDormantMembers(deps: DormantDeps) {
  let state: DormantState = { week: isoWeek(deps.clock.now()), area: 0, considered: 0, nudged: 0 };
  for (;;) {
    const step = await dormantStep(deps, state);
    state = step.state;
    if (step.done) return { considered: state.considered, nudged: state.nudged, week: state.week };
  }
}

/**
 * The scheduled suggestions: one pass a week (the ISO week), resumed from its checkpoint where an
 * earlier run stopped (its time limit, a crash), so a large city's pass finishes over several runs.
 */
export async function runDormantNudges(
  deps: DormantDeps & Pick<Deps, "checkpoints">,
  options: {
    job: string;
    restart?: boolean;
    remainingMs: () => number;
    reserveMs: number;
    onStep?: (state: DormantState, done: boolean) => void;
  },
): Promise<PassOutcome<DormantState>> {
  const week = isoWeek(deps.clock.now());
  return runPass(deps, {
    job: options.job,
    pass: week,
    ...(options.restart ? { restart: true } : {}),
    initial: () => ({ week, area: 0, considered: 0, nudged: 0 }),
    parse: (saved) => {
      const parsed = z.safeParse(dormantStateSchema, saved);
      return parsed.success ? parsed.data : undefined;
    },
    step: (state) => dormantStep(deps, state),
    remainingMs: options.remainingMs,
    reserveMs: options.reserveMs,
    ...(options.onStep ? { onProgress: options.onStep } : {}),
  });
}
