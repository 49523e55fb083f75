import { idSchema } from "#domain/kernel/ids.ts";
import { redemptionRequestSchema } from "#domain/ledger/redemption-request.ts";
import { declineRedemptionRequest } from "#domain/ledger/venue-redemptions.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** The member declines a redemption a venue recorded; the venue is told and nothing moves. */
export const handler = httpRoute(
  {
    summary: "Decline a redemption a venue recorded for me; the venue is told",
    auth: "member",
    actFor: true,
    path: z.object({ requestId: idSchema }),
    response: redemptionRequestSchema,
  },
  async ({ deps, actor, subject, path }) => ({
    body: await declineRedemptionRequest(deps, { actor, subject }, path.requestId),
  }),
);
