import geohash from "ngeohash";
import type { Deps } from "#domain/deps.ts";
import { distanceMetres } from "#domain/kernel/geo.ts";
import type { Member } from "#domain/membership/member.ts";
import { notify } from "#domain/notices/notify.ts";
import { coarsePoint } from "#domain/posts/search/cells.ts";
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

function metres(distance: number): string {
  return distance < 1000
    ? `${Math.max(100, Math.round(distance / 100) * 100)} m`
    : `${(distance / 1000).toFixed(1)} km`;
}

/**
 * One concrete, low-effort suggestion for a member who has never exchanged: the nearest open
 * request in one of their skills in their own cell or the cells around it ("someone 400 m away
 * needs 30 minutes of gardening"), read as one round of digest reads. Undefined when nothing fits
 * nearby.
 */
export async function suggestionFor(deps: DormantDeps, member: Member) {
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
  const skill = deps.city.skills.find((s) => s.id === post.category)?.name.toLowerCase() ?? post.category;
  return {
    post,
    text: `Someone ${metres(best.distance)} away needs ${post.estimatedMinutes} minutes of ${skill}: “${post.title}”.`,
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
          kind: "suggestion",
          title: "A small way to start",
          body: suggestion.text,
          link: `/posts/${suggestion.post.postId}`,
          dedupeKey: `suggestion#${week}`,
        });
        if (result === "delivered") nudged++;
      }
    } while (cursor);
  }
  return { considered, nudged, week };
}
