import { matchIdSchema, matchSchema } from "#domain/matching/match.ts";
import { respondToMatch } from "#domain/matching/respond.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** Accept a match (opens the conversation for an exchange) or decline it (hides it). */
export const handler = httpRoute(
  {
    summary: "Accept or decline a match",
    auth: "member",
    actFor: true,
    path: z.object({ matchId: matchIdSchema }),
    body: z.strictObject({ answer: z.enum(["accept", "decline"]) }),
    response: matchSchema,
  },
  async ({ deps, actor, subject, path, body }) => ({
    body: await respondToMatch(deps, { actor, subject }, path.matchId, body.answer),
  }),
);
