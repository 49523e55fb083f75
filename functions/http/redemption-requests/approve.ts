import { idSchema } from "#domain/kernel/ids.ts";
import { transferSchema } from "#domain/ledger/books.ts";
import { approveRedemptionRequest } from "#domain/ledger/venue-redemptions.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** The member approves a redemption a venue recorded: their credits move, once. */
export const handler = httpRoute(
  {
    summary: "Approve a redemption a venue recorded for me: the credits move once (Idempotency-Key)",
    auth: "member",
    idempotency: "required",
    operation: "redemption-approval",
    actFor: true,
    path: z.object({ requestId: idSchema }),
    response: transferSchema,
    status: 201,
  },
  async ({ deps, actor, subject, path, idempotency }) =>
    approveRedemptionRequest(deps, { actor, subject }, path.requestId, idempotency),
);
