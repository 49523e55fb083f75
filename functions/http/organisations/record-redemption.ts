import { idSchema } from "#domain/kernel/ids.ts";
import { recordRedemptionSchema, redemptionRequestSchema } from "#domain/ledger/redemption-request.ts";
import { recordRedemptionRequest } from "#domain/ledger/venue-redemptions.ts";
import { resolveActing } from "#domain/membership/acting.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** A venue's admin records a redemption at the counter; the member approves it before anything moves. */
export const handler = httpRoute(
  {
    summary:
      "Record a redemption for a member at a venue, waiting for the member's approval (its admins; Idempotency-Key)",
    auth: "member",
    idempotency: "required",
    operation: "redemption-request",
    path: z.object({ memberId: idSchema }),
    body: recordRedemptionSchema,
    response: redemptionRequestSchema,
    status: 201,
  },
  async ({ deps, actor, path, body, idempotency }) =>
    recordRedemptionRequest(deps, await resolveActing(deps, actor, path.memberId), body, idempotency),
);
