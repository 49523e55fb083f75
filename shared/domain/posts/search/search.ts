import type { Deps } from "#domain/deps.ts";
import { ValidationError } from "#domain/kernel/errors.ts";
import { distanceMetres, insideBounds, type Point } from "#domain/kernel/geo.ts";
import {
  decodeCursor,
  encodeCursor,
  MAX_PAGE_SIZE,
  pageQueryFields,
  wholeNumberText,
} from "#domain/kernel/paging.ts";
import type { Acting } from "#domain/membership/acting.ts";
import { coordinatesArea, isCoordinatorOrAdmin } from "#domain/membership/member.ts";
import * as z from "#shared/zod.ts";
import type { SearchSource } from "../ports.ts";
import {
  isOwnerSide,
  isSensitiveCategory,
  type PostAvailability,
  type PostCard,
  type PostCardView,
  postCardViewSchema,
  postKinds,
  requireCategory,
  viewCard,
} from "../post.ts";
import { cellRange, coverCircle, MAX_EXTRA_BITS } from "./cells.ts";
import { type EngineMode, type EnginePosition, runSearchEngine } from "./engine.ts";
import { hasAllWords, leadingWord, wordsOf } from "./text.ts";

export const DEFAULT_RADIUS_KM = 5;
export const MIN_RADIUS_KM = 0.1;
export const DEFAULT_SEARCH_PAGE = 20;

const numberText = (message: string) =>
  z.pipe(
    z.string().check(z.regex(/^\d{1,3}(\.\d{1,3})?$/, message)),
    z.pipe(
      z.transform((v: string) => Number(v)),
      z.number(),
    ),
  );

/** GET /posts: every filter is a query string; the domain checks what needs the city. */
export const searchQuerySchema = z.strictObject({
  kind: z.optional(z.enum(postKinds)),
  category: z.optional(z.string().check(z.maxLength(40))),
  /** Words that must all appear in the title or tags (case and accents ignored). */
  q: z.optional(z.string().check(z.maxLength(200))),
  /** `lat,lon` or `home` (the home of the member searched for). */
  near: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^(home|-?\d{1,2}(\.\d{1,8})?,-?\d{1,3}(\.\d{1,8})?)$/,
          "must be home or lat,lon like 50.85,4.35",
        ),
      ),
  ),
  radiusKm: z.optional(numberText("must be a number of kilometres like 2.5")),
  area: z.optional(z.string().check(z.maxLength(60))),
  /** Only posts that happen online. */
  where: z.optional(z.literal("online")),
  /** Available on this weekday (0 = Monday), in the post's weekly windows or dates. */
  day: z.optional(wholeNumberText(0, 6, "must be a weekday 0-6 (0 = Monday)")),
  /** Available at this time of day (weekly windows; posts with dates only or no times match). */
  at: z.optional(z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time like 18:30"))),
  /** distance (the default with `near`) or recent (newest first, the default otherwise). */
  sort: z.optional(z.enum(["distance", "recent"])),
  ...pageQueryFields,
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export const searchResultSchema = z.object({
  items: z.array(postCardViewSchema),
  nextCursor: z.optional(z.string()),
});

export interface SearchResult {
  items: PostCardView[];
  nextCursor?: string;
  /**
   * What the page cost: items the store read, those read and refused by the checks the keys could
   * not make, queries and rounds of parallel queries.
   */
  stats: { itemsRead: number; rejected: number; queries: number; rounds: number };
}

/** A search with every input checked and resolved (home, radius, words). */
interface Criteria {
  kinds: readonly (typeof postKinds)[number][];
  category: string | undefined;
  words: string[];
  near: Point | undefined;
  radiusMetres: number;
  area: string | undefined;
  online: boolean;
  day: number | undefined;
  at: string | undefined;
  sort: "distance" | "recent";
}

function invalid(path: string, message: string): ValidationError {
  return new ValidationError("Query parameters are invalid", [{ path: `query.${path}`, message }]);
}

function criteriaOf(deps: Pick<Deps, "city">, acting: Acting, query: SearchQuery): Criteria {
  const { city } = deps;
  if (query.category !== undefined) requireCategory(city, query.category, "query.category");
  if (query.area !== undefined && !city.areas.some((a) => a.id === query.area)) {
    throw invalid("area", `Must be one of: ${city.areas.map((a) => a.id).join(", ")}`);
  }
  let near: Point | undefined;
  if (query.near === "home") {
    near = acting.subject.home;
    if (!near) throw invalid("near", "No home location on the profile: set one, or give lat,lon");
  } else if (query.near !== undefined) {
    const [lat = Number.NaN, lon = Number.NaN] = query.near.split(",").map(Number);
    near = { lat, lon };
    if (!insideBounds(near, city.map.bounds)) throw invalid("near", `Must lie inside ${city.name}'s bounds`);
  }
  const maxKm = city.matching.maxRadiusKm;
  const radiusKm = query.radiusKm ?? Math.min(DEFAULT_RADIUS_KM, maxKm);
  if (radiusKm < MIN_RADIUS_KM || radiusKm > maxKm) {
    throw invalid("radiusKm", `Must be between ${MIN_RADIUS_KM} and ${maxKm} km`);
  }
  if (query.radiusKm !== undefined && !near) throw invalid("radiusKm", "Needs near");
  const sort = query.sort ?? (near ? "distance" : "recent");
  if (sort === "distance" && !near) throw invalid("sort", "Sorting by distance needs near");
  if (query.where === "online" && near) throw invalid("near", "Online posts have no place");
  const words = query.q === undefined ? [] : wordsOf(query.q);
  if (query.q !== undefined && words.length === 0) {
    throw invalid("q", "Give at least one word of two or more letters");
  }
  return {
    kinds: query.kind ? [query.kind] : postKinds,
    category: query.category,
    words,
    near,
    radiusMetres: radiusKm * 1000,
    area: query.area,
    online: query.where === "online",
    day: query.day,
    at: query.at,
    sort,
  };
}

/** Diagonal of a 5-character geohash cell at mid latitudes; two more bits halve it. */
const PARTITION_DIAGONAL_METRES = 5800;

/**
 * The finest cells a nearest-first search reads, in bits past the partition: about a quarter of
 * the radius across. Finer would order results more exactly but cost a query per few posts where
 * posts are sparse; coarser would read posts far outside the circle. Measured on the benchmark city
 * against cells sized by a density probe: better filled pages at the same read bound.
 */
export function cellBitsFor(radiusMetres: number): number {
  const circle = Math.ceil(2 * Math.log2(Math.max(1, PARTITION_DIAGONAL_METRES / radiusMetres)));
  return Math.min(MAX_EXTRA_BITS, circle + 2);
}

interface Plan {
  mode: EngineMode;
  sources: SearchSource[];
}

/**
 * Which index ranges to read, and how they combine. Each filter the keys can serve is in a key;
 * the rest are checked on the items read (and the read budget keeps that bounded).
 */
function planSearch(criteria: Criteria): Plan {
  const { kinds, category, near } = criteria;
  if (criteria.online) {
    return {
      mode: "merge",
      sources: kinds.map((kind) => ({ index: "recent", kind, category, online: true })),
    };
  }
  if (criteria.sort === "distance" && near) {
    const sources: SearchSource[] = [];
    for (const cell of coverCircle(near, criteria.radiusMetres, cellBitsFor(criteria.radiusMetres))) {
      const range = cellRange(cell);
      for (const kind of kinds)
        sources.push({ index: "place", kind, category, partition: cell.partition, ...range });
    }
    return { mode: "concat", sources };
  }
  const word = leadingWord(criteria.words);
  if (word) return { mode: "merge", sources: kinds.map((kind) => ({ index: "word", kind, word })) };
  return { mode: "merge", sources: kinds.map((kind) => ({ index: "recent", kind, category })) };
}

/** Whether a post with this availability can happen on a weekday (0 = Monday) at a time. */
export function availableOn(
  availability: PostAvailability | undefined,
  day: number | undefined,
  at: string | undefined,
): boolean {
  // No availability given means "we will arrange it": it matches any day.
  if (!availability || (day === undefined && at === undefined)) return true;
  if (availability.type === "weekly") {
    return availability.windows.some(
      (w) => (day === undefined || w.day === day) && (at === undefined || (w.from <= at && at < w.to)),
    );
  }
  if (day === undefined) return true;
  const from = Date.parse(`${availability.from}T00:00:00Z`);
  const to = Date.parse(`${availability.to}T00:00:00Z`);
  for (let t = from; t <= to && t < from + 7 * 86_400_000; t += 86_400_000) {
    if ((new Date(t).getUTCDay() + 6) % 7 === day) return true;
  }
  return false;
}

function acceptor(criteria: Criteria, acting: Acting, now: string): (card: PostCard) => boolean {
  return (card) => {
    if (card.status !== "open" || card.expiresAt <= now) return false;
    if (card.sensitive && !acting.actor.verified && !isOwnerSide(acting, card)) {
      if (!coordinatesArea(acting.actor, card.area)) return false;
    }
    if (!criteria.kinds.includes(card.kind)) return false;
    if (criteria.category !== undefined && card.category !== criteria.category) return false;
    if (criteria.area !== undefined && card.area !== criteria.area) return false;
    if (criteria.online && card.where.type !== "online") return false;
    if (!hasAllWords(card.words, criteria.words)) return false;
    if (!availableOn(card.availability, criteria.day, criteria.at)) return false;
    if (criteria.near) {
      if (!card.location || distanceMetres(criteria.near, card.location) > criteria.radiusMetres)
        return false;
    }
    return true;
  };
}

/**
 * Where a search resumes: the source it is in and the sort key of the last item consumed (a
 * `<createdAt>#<postId>` or `<geohash>#<postId>` position, checked by shape before it becomes a key
 * condition).
 */
const searchPosition = z.strictObject({
  r: z.int().check(z.gte(0), z.lt(1000)),
  a: z.optional(z.string().check(z.regex(/^[0-9A-Za-z:.#-]{1,80}$/))),
});

/** An opaque cursor for a search (named by its criteria) and where its next page starts. */
export function encodeSearchCursor(search: string, position: EnginePosition): string {
  return encodeCursor(search, { r: position.rank, ...(position.after ? { a: position.after } : {}) });
}

/** @throws ValidationError naming query.cursor when it is not from this search. */
export function decodeSearchCursor(
  cursor: string | undefined,
  search: string,
  sources: number,
): EnginePosition {
  const position = decodeCursor(cursor, search, searchPosition);
  if (!position) return { rank: 0 };
  if (position.r >= Math.max(1, sources)) {
    throw invalid("cursor", "Not a cursor of this search: start again without it");
  }
  return { rank: position.r, after: position.a };
}

/**
 * Open posts matching a search, nearest or newest first, one page at a time. Sensitive posts
 * appear only to verified members, the owner's side and coordinators in scope; other posts a
 * viewer may not see are left out silently. A page holds `limit` results whenever that many are
 * left; it reads at most `2 * (returned + refused) + limit` items (see runSearchEngine), and comes
 * back short, with a cursor, only at the engine's ceilings.
 * @throws ValidationError naming the query field (unknown category or area, a place outside the
 * city, `near=home` without a home, a radius out of range, a cursor from another search).
 */
export async function searchPosts(
  deps: Pick<Deps, "city" | "clock" | "posts">,
  acting: Acting,
  query: SearchQuery,
): Promise<SearchResult> {
  const criteria = criteriaOf(deps, acting, query);
  const pageSize = Math.min(query.limit ?? DEFAULT_SEARCH_PAGE, MAX_PAGE_SIZE);
  const search = `search:${JSON.stringify({ ...criteria, near: criteria.near ?? null })}`;
  // A sensitive category holds nothing an unverified resident may see (their own posts are in
  // /me/posts): answer without reading rather than read pages only to drop them.
  const blind =
    criteria.category !== undefined &&
    isSensitiveCategory(deps.city, criteria.category) &&
    !acting.actor.verified &&
    !isCoordinatorOrAdmin(acting.actor);
  if (blind) return { items: [], stats: { itemsRead: 0, rejected: 0, queries: 0, rounds: 0 } };

  const { mode, sources } = planSearch(criteria);
  const start = decodeSearchCursor(query.cursor, search, sources.length);
  const now = deps.clock.now().toISOString();
  const result = await runSearchEngine({
    mode,
    sources,
    start,
    pageSize,
    accept: acceptor(criteria, acting, now),
    read: (source, limit, after) => deps.posts.readSource(source, limit, after),
  });
  const near = criteria.near;
  const items = result.items.map(({ card }) => {
    const km = near && card.location ? Math.round(distanceMetres(near, card.location) / 10) / 100 : undefined;
    return viewCard(card, deps.city, km);
  });
  // Pages advance cell by cell outwards; within a page, nearest first.
  if (mode === "concat") items.sort((a, b) => (a.distanceKm ?? 0) - (b.distanceKm ?? 0));
  return {
    items,
    ...(result.next ? { nextCursor: encodeSearchCursor(search, result.next) } : {}),
    stats: {
      itemsRead: result.itemsRead,
      rejected: result.rejected,
      queries: result.queries,
      rounds: result.rounds,
    },
  };
}
