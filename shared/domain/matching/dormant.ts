import { distanceMetres } from "../geo.ts";
import type { Member } from "../member.ts";
import { noticeContent } from "../notices/kinds.ts";
import { notify } from "../notify.ts";
import type { Deps } from "../ports.ts";
import { coarsePoint } from "../search-geo.ts";
import { widening } from "./index-entries.ts";

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
 * request in one of their skills in their own cell, or else in the cells around it ("someone
 * 400 m away needs 30 minutes of gardening"). Undefined when nothing fits nearby.
 */
export async function suggestionFor(deps: DormantDeps, member: Member) {
  if (!member.home || member.skills.categories.length === 0) return undefined;
  const home = coarsePoint(member.home, deps.city.privacy.locationCellPrecision);
  // The member's own cell, then its neighbours: a first exchange should be close by.
  const [near, around] = widening(home, false, deps.city);
  let best: { postId: string; distance: number } | undefined;
  for (const ring of [near, around]) {
    if (!ring || best) break;
    for (const category of member.skills.categories) {
      const { entries } = await deps.matchIndex.read("asks", category, ring.areas);
      for (const entry of entries) {
        if (entry.memberId === member.memberId || !entry.location || entry.sensitive) continue;
        const distance = distanceMetres(home, entry.location);
        if (distance > deps.city.matching.maxRadiusKm * 1000) continue;
        if (!best || distance < best.distance) best = { postId: entry.source, distance };
      }
    }
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
    }),
  };
}

/**
 * Weekly: members who have joined but never exchanged get one concrete suggestion each, at most
 * once a week (the week is the notice's dedupe key). Reads members by status per area, never a scan.
 */
export async function nudgeDormantMembers(deps: DormantDeps) {
  const week = isoWeek(deps.clock.now());
  let considered = 0;
  let nudged = 0;
  for (const area of deps.city.areas) {
    let cursor: string | undefined;
    do {
      const page = await deps.members.listByStatus("active", area.id, { limit: 100, cursor });
      cursor = page.nextCursor;
      const people = page.items.filter(
        (m) => m.kind === "person" && m.skills.categories.length > 0 && m.home,
      );
      const signals = await deps.signals.getMany(people.map((m) => m.memberId));
      for (const member of people) {
        if ((signals.get(member.memberId)?.settled ?? 0) > 0) continue;
        considered++;
        const suggestion = await suggestionFor(deps, member);
        if (!suggestion) continue;
        const result = await notify(deps, {
          memberId: member.memberId,
          ...suggestion.notice,
          link: `/posts/${suggestion.post.postId}`,
          dedupeKey: `suggestion#${week}`,
        });
        if (result === "delivered") nudged++;
      }
    } while (cursor);
  }
  return { considered, nudged, week };
}
