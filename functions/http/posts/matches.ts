import { idSchema } from "#domain/kernel/ids.ts";
import { matchViewSchema } from "#domain/matching/match.ts";
import { postMatches } from "#domain/matching/respond.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** The people matched with one of my posts, best first, with why. */
export const handler = httpRoute(
  {
    summary: "Matches for my post, best first, with why",
    auth: "member",
    actFor: true,
    path: z.object({ postId: idSchema }),
    response: z.object({ items: z.array(matchViewSchema) }),
  },
  async ({ deps, actor, subject, path }) => ({
    body: { items: await postMatches(deps, { actor, subject }, path.postId) },
  }),
);
