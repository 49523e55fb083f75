import { pageQueryFields } from "#domain/kernel/paging.ts";
import { matchViewSchema } from "#domain/matching/match.ts";
import { myMatches } from "#domain/matching/respond.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** Posts I was matched with, each with its score and the reasons. */
export const handler = httpRoute(
  {
    summary: "My matches: posts I could answer, with why",
    auth: "member",
    actFor: true,
    query: z.strictObject(pageQueryFields),
    response: z.object({ items: z.array(matchViewSchema), nextCursor: z.optional(z.string()) }),
  },
  async ({ deps, subject, query }) => ({
    body: await myMatches(deps, subject, { limit: query.limit ?? 20, cursor: query.cursor }),
  }),
);
