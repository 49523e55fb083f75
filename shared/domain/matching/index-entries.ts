import geohash from "ngeohash";
import type { City } from "../../config/city.ts";
import type { Point } from "../geo.ts";
import type { AvailabilityWindow, Member } from "../member.ts";
import type { Post } from "../post.ts";
import { coarsePoint } from "../search-geo.ts";

/** "gives": can help (an offer, or a member's skill). "asks": needs help (a request). */
export type Side = "gives" | "asks";

/** Geohash precisions the index is written at: fine cells first, then coarser ones. */
export const FINE_CELL = 5;
export const COARSE_CELL = 4;
/** Cell names for entries that have no place: online posts, and members without a home. */
export const ONLINE = "online";
export const NOWHERE = "anywhere";

/** One way a member can be found for a category near a place. */
export interface IndexEntry {
  side: Side;
  category: string;
  cell: string;
  memberId: string;
  /** The post this entry stands for, or "SKILL" for a skill on the member's profile. */
  source: string;
  /** Coarse location (never an exact home), if any. */
  location?: Point | undefined;
  tags: string[];
  availability: AvailabilityWindow[];
  /** Sensitive posts are matched only with verified members. */
  sensitive: boolean;
  createdAt: string;
}

function cellsOf(location: Point | undefined, online: boolean): string[] {
  if (online) return [ONLINE];
  if (!location) return [NOWHERE];
  return [
    geohash.encode(location.lat, location.lon, FINE_CELL),
    geohash.encode(location.lat, location.lon, COARSE_CELL),
  ];
}

function fanOut(base: Omit<IndexEntry, "cell">, online: boolean): IndexEntry[] {
  return cellsOf(base.location, online).map((cell) => ({ ...base, cell }));
}

/** Where an active member can be found as a helper: each skill category near their (coarse) home. */
export function entriesForMember(member: Member, city: City): IndexEntry[] {
  if (member.status !== "active") return [];
  const location = member.home ? coarsePoint(member.home, city.privacy.locationCellPrecision) : undefined;
  return member.skills.categories.flatMap((category) =>
    fanOut(
      {
        side: "gives",
        category,
        memberId: member.memberId,
        source: "SKILL",
        location,
        tags: member.skills.tags,
        availability: member.availability,
        sensitive: false,
        createdAt: member.createdAt,
      },
      false,
    ),
  );
}

/** Where an open post can be found: offers give, requests ask; closed posts are in no index. */
export function entriesForPost(post: Post): IndexEntry[] {
  if (post.status !== "open") return [];
  return fanOut(
    {
      side: post.kind === "offer" ? "gives" : "asks",
      category: post.category,
      memberId: post.ownerId,
      source: post.postId,
      location: post.location,
      tags: post.tags,
      availability: post.availability?.type === "weekly" ? post.availability.windows : [],
      sensitive: post.sensitive,
      createdAt: post.createdAt,
    },
    post.where.type === "online",
  );
}

/** The identity of an entry in the index (for diffing old against new). */
export function entryKey(entry: IndexEntry): string {
  return `${entry.side}|${entry.category}|${entry.cell}|${entry.memberId}|${entry.source}`;
}

/** The rings of cells a search widens through: the fine cell, its neighbours, then coarse cells. */
export function widening(location: Point | undefined, online: boolean, city: City): string[][] {
  if (online || !location) {
    // Online (or unplaced) help can come from anywhere in the city: every coarse cell of its map.
    const { south, west, north, east } = city.map.bounds;
    return [[ONLINE, NOWHERE], geohash.bboxes(south, west, north, east, COARSE_CELL)];
  }
  const fine = geohash.encode(location.lat, location.lon, FINE_CELL);
  const coarse = geohash.encode(location.lat, location.lon, COARSE_CELL);
  return [[fine, ONLINE, NOWHERE], geohash.neighbors(fine), [coarse, ...geohash.neighbors(coarse)]];
}
