import { searchPosts, searchQuerySchema, searchResultSchema } from "#domain/posts/search/search.ts";
import { httpRoute } from "../route.ts";

/** Browse and search open posts: by kind, category, words, distance, area and availability. */
export const handler = httpRoute(
  {
    summary: "Search open offers and requests, nearest or newest first",
    auth: "member",
    actFor: true,
    query: searchQuerySchema,
    response: searchResultSchema,
  },
  async ({ deps, actor, subject, query }) => {
    const { items, nextCursor } = await searchPosts(deps, { actor, subject }, query);
    return { body: { items, ...(nextCursor ? { nextCursor } : {}) } };
  },
);
