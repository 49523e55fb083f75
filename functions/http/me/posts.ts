import { pageQueryFields } from "#domain/kernel/paging.ts";
import { listMyPosts } from "#domain/posts/lifecycle.ts";
import { postCardViewSchema, viewCard } from "#domain/posts/post.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** My posts (or, with x-act-for, those of a member I help), any status, newest first. */
export const handler = httpRoute(
  {
    summary: "List my posts, newest first",
    auth: "member",
    actFor: true,
    query: z.strictObject({ ...pageQueryFields }),
    response: z.object({ items: z.array(postCardViewSchema), nextCursor: z.optional(z.string()) }),
  },
  async ({ deps, actor, subject, query }) => {
    const page = await listMyPosts(
      deps,
      { actor, subject },
      { limit: query.limit ?? 20, cursor: query.cursor },
    );
    return { body: { ...page, items: page.items.map((card) => viewCard(card, deps.city)) } };
  },
);
