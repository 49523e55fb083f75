import geohash from "ngeohash";
import type { Point } from "#domain/kernel/geo.ts";
import type { AvailabilityWindow, Member } from "#domain/membership/member.ts";
import type { Post } from "#domain/posts/post.ts";
import { coarsePoint } from "#domain/posts/search/cells.ts";
import type { City } from "#shared/config/city.ts";

/** "gives": can help (an offer, or a member's skill). "asks": needs help (a request). */
export type Side = "gives" | "asks";

/**
 * Geohash precisions: an entry sits in one fine cell (about 4.9 km x 3.1 km at 50 degrees north),
 * stored in the partition of its coarse cell (about 39 km x 20 km), so a fine cell is one key range
 * of its partition and a coarse cell is one partition.
 */
export const FINE_CELL = 5;
export const COARSE_CELL = 4;
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
  createdAt: string;
}

/** The partition a cell's entries are stored in: its coarse cell (ONLINE and NOWHERE are their own). */
export function partitionOf(cell: string): string {
  return cell.length === FINE_CELL ? cell.slice(0, COARSE_CELL) : cell;
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
    createdAt: member.createdAt,
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
      createdAt: post.createdAt,
    },
  ];
}

/** The identity of an entry in the index (for diffing old against new). */
export function entryKey(entry: IndexEntry): string {
  return `${entry.side}|${entry.category}|${entry.cell}|${entry.memberId}|${entry.source}`;
}

/**
 * A piece of the map read from the index: one cell (a fine cell, ONLINE or NOWHERE), or a whole
 * coarse cell except fine cells already read (so no entry is read twice).
 */
export type Area = { cell: string } | { coarse: string; except: string[] };

export interface Ring {
  areas: Area[];
  /** Every entry not yet read after this ring lies at least this far from the post (metres). */
  unreadBeyondMetres: number;
}

/** Metres from a point inside a block of cells to the block's nearest edge. */
function metresToEdge(point: Point, cells: readonly string[]): number {
  const boxes = cells.map((c) => geohash.decode_bbox(c));
  const south = Math.min(...boxes.map((b) => b[0]));
  const west = Math.min(...boxes.map((b) => b[1]));
  const north = Math.max(...boxes.map((b) => b[2]));
  const east = Math.max(...boxes.map((b) => b[3]));
  const perLat = 111_320;
  // The narrowest degree of longitude over the block: a lower bound on the distance east or west.
  const widestLat = Math.max(Math.abs(south), Math.abs(north));
  const perLon = 111_320 * Math.cos((widestLat * Math.PI) / 180);
  return Math.max(
    0,
    Math.min(
      (point.lat - south) * perLat,
      (north - point.lat) * perLat,
      (point.lon - west) * perLon,
      (east - point.lon) * perLon,
    ),
  );
}

/**
 * The rings a search widens through: the post's fine cell (with online helpers and those without a
 * home), its eight neighbours, then the surrounding coarse cells less what was read. Online (or
 * unplaced) posts read online and unplaced helpers, then every coarse cell of the city's map.
 */
export function widening(location: Point | undefined, online: boolean, city: City): Ring[] {
  if (online || !location) {
    const { south, west, north, east } = city.map.bounds;
    return [
      { areas: [{ cell: ONLINE }, { cell: NOWHERE }], unreadBeyondMetres: 0 },
      {
        areas: geohash
          .bboxes(south, west, north, east, COARSE_CELL)
          .map((coarse) => ({ coarse, except: [] })),
        unreadBeyondMetres: Number.POSITIVE_INFINITY,
      },
    ];
  }
  const fine = geohash.encode(location.lat, location.lon, FINE_CELL);
  const around = geohash.neighbors(fine);
  const read = [fine, ...around];
  const coarse = fine.slice(0, COARSE_CELL);
  const block = [coarse, ...geohash.neighbors(coarse)];
  return [
    {
      areas: [{ cell: fine }, { cell: ONLINE }, { cell: NOWHERE }],
      unreadBeyondMetres: metresToEdge(location, [fine]),
    },
    { areas: around.map((cell) => ({ cell })), unreadBeyondMetres: metresToEdge(location, read) },
    {
      areas: block.map((c) => ({ coarse: c, except: read.filter((f) => f.startsWith(c)) })),
      unreadBeyondMetres: metresToEdge(location, block),
    },
  ];
}
