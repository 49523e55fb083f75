import geohash from "ngeohash";
import type { Point } from "#domain/kernel/geo.ts";
import type { AvailabilityWindow, Member } from "#domain/membership/member.ts";
import type { Post } from "#domain/posts/post.ts";
import { coarsePoint } from "#domain/posts/search/cells.ts";
import type { City } from "#shared/config/city.ts";

/** "gives": can help (an offer, or a member's skill). "asks": needs help (a request). */
export type Side = "gives" | "asks";

/** Geohash precision of the cell an entry sits in (about 3.1 km x 4.9 km at 50 degrees north). */
export const FINE_CELL = 5;
/** Cell names for entries that have no place: online posts, and members without a home. */
export const ONLINE = "online";
export const NOWHERE = "anywhere";

/** One way a member can be found for a category near a place. */
export interface IndexEntry {
  side: Side;
  category: string;
  /** The entry's fine cell, or ONLINE / NOWHERE. */
  cell: string;
  memberId: string;
  /** The post this entry stands for, or "SKILL" for a skill on the member's profile. */
  source: string;
  /** Coarse location (never an exact home), if any. */
  location?: Point | undefined;
  tags: string[];
  availability: AvailabilityWindow[];
  /**
   * The member's languages, on skill entries (rewritten whenever the member changes). Post entries
   * leave it out: a post's entry is not rewritten when its owner's profile changes.
   */
  languages?: Member["languages"] | undefined;
  /** Sensitive posts are matched only with verified members. */
  sensitive: boolean;
}

function cellOf(location: Point | undefined, online: boolean): string {
  if (online) return ONLINE;
  if (!location) return NOWHERE;
  return geohash.encode(location.lat, location.lon, FINE_CELL);
}

/** Where an active member can be found as a helper: each skill category near their (coarse) home. */
export function entriesForMember(member: Member, city: City): IndexEntry[] {
  if (member.status !== "active") return [];
  const location = member.home ? coarsePoint(member.home, city.privacy.locationCellPrecision) : undefined;
  return member.skills.categories.map((category) => ({
    side: "gives",
    category,
    cell: cellOf(location, false),
    memberId: member.memberId,
    source: "SKILL",
    location,
    tags: member.skills.tags,
    availability: member.availability,
    languages: member.languages,
    sensitive: false,
  }));
}

/** Where an open post can be found: offers give, requests ask; closed posts are in no index. */
export function entriesForPost(post: Post): IndexEntry[] {
  if (post.status !== "open") return [];
  const online = post.where.type === "online";
  return [
    {
      side: post.kind === "offer" ? "gives" : "asks",
      category: post.category,
      cell: cellOf(post.location, online),
      memberId: post.ownerId,
      source: post.postId,
      location: online ? undefined : post.location,
      tags: post.tags,
      availability: post.availability?.type === "weekly" ? post.availability.windows : [],
      sensitive: post.sensitive,
    },
  ];
}

/** The identity of an entry in the index (for diffing old against new). */
export function entryKey(entry: IndexEntry): string {
  return `${entry.side}|${entry.category}|${entry.cell}|${entry.memberId}|${entry.source}`;
}
