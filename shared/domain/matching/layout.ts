import type { Deps } from "#domain/deps.ts";
import { inChunks, type PassOutcome, runPass } from "#domain/kernel/passes.ts";
import * as z from "../../zod.ts";
import { indexMember, indexPost } from "./indexing.ts";

type LayoutDeps = Pick<Deps, "city" | "members" | "posts" | "matchIndex" | "signals">;

/**
 * Where the pass that lays the index out in the city's digest shards stands: the shard count it
 * lays out, the area and the position in it, and how many members and posts it rewrote.
 */
const layoutStateSchema = z.object({
  shards: z.int().check(z.gte(1)),
  area: z.int().check(z.gte(0)),
  cursor: z.optional(z.string()),
  members: z.int().check(z.gte(0)),
  posts: z.int().check(z.gte(0)),
});
export type LayoutState = z.infer<typeof layoutStateSchema>;

/** Members read per step (one checkpoint each), and members rewritten at once. */
export const LAYOUT_PAGE = 50;
const LAYOUT_CONCURRENCY = 8;

/** The pass's name: one per shard count, so a new count starts a new pass and a done one stays done. */
export function layoutPass(shards: number): string {
  return `shards-${shards}`;
}

/**
 * One step: a page of one area's active members, each written again into the digests as the city's
 * shard count now places them, their skills and their open posts, several members at a time.
 * Each write moves a record from where the member's refs say it is to where it now belongs (and
 * drops it from the old digest), so a step done twice changes nothing more.
 */
export async function layoutStep(
  deps: LayoutDeps,
  state: LayoutState,
): Promise<{ state: LayoutState; done: boolean }> {
  const area = deps.city.areas[state.area];
  if (!area) return { state, done: true };
  const page = await deps.members.listByStatus("active", area.id, {
    limit: LAYOUT_PAGE,
    cursor: state.cursor,
  });
  const posts = await inChunks(page.items, LAYOUT_CONCURRENCY, async (member) => {
    await indexMember(deps, member.memberId, member);
    let rewritten = 0;
    let cursor: string | undefined;
    do {
      const cards = await deps.posts.listByOwner(member.memberId, { limit: 100, cursor });
      for (const card of cards.items) {
        if (card.status !== "open") continue;
        const post = await deps.posts.get(card.postId);
        if (!post) continue;
        await indexPost(deps, post, post);
        rewritten++;
      }
      cursor = cards.nextCursor;
    } while (cursor);
    return rewritten;
  });
  const next: LayoutState = {
    ...state,
    members: state.members + page.items.length,
    posts: state.posts + posts.reduce((sum, n) => sum + n, 0),
  };
  if (page.nextCursor) return { state: { ...next, cursor: page.nextCursor }, done: false };
  const following = { ...next, area: state.area + 1, cursor: undefined };
  return { state: following, done: following.area >= deps.city.areas.length };
}

/**
 * The index laid out in the city's digest shard count (`matching.digestShards`): after the count
 * changed (a city grown so its digests near the item limit), one pass over the active members
 * moves every record to its new shard, resumed from its checkpoint where a run stopped. The pass
 * is named after the count: once it is done, later runs cost one read of the checkpoint.
 * Until it is done, a match may miss members whose records are still in a shard past a smaller
 * count (a larger count misses nobody: every old shard is still read).
 */
export async function runIndexLayout(
  deps: LayoutDeps & Pick<Deps, "checkpoints" | "clock">,
  options: {
    job: string;
    restart?: boolean;
    remainingMs: () => number;
    reserveMs: number;
    onStep?: (state: LayoutState, done: boolean) => void;
  },
): Promise<PassOutcome<LayoutState>> {
  const shards = deps.city.matching.digestShards;
  return runPass(deps, {
    job: options.job,
    pass: layoutPass(shards),
    ...(options.restart ? { restart: true } : {}),
    initial: () => ({ shards, area: 0, members: 0, posts: 0 }),
    parse: (saved) => {
      const parsed = z.safeParse(layoutStateSchema, saved);
      return parsed.success ? parsed.data : undefined;
    },
    step: (state) => layoutStep(deps, state),
    remainingMs: options.remainingMs,
    reserveMs: options.reserveMs,
    ...(options.onStep ? { onProgress: options.onStep } : {}),
  });
}
