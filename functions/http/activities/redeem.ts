import { idSchema } from "#domain/kernel/ids.ts";
import { redeemActivitySchema } from "#domain/ledger/activity.ts";
import { transferSchema } from "#domain/ledger/books.ts";
import { redeemActivity } from "#domain/ledger/credits.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** Spend credits on an activity at a venue (Idempotency-Key required). */
export const handler = httpRoute(
  {
    summary: "Spend credits on an activity at a venue (Idempotency-Key)",
    auth: "member",
    idempotency: "required",
    operation: "redemption",
    actFor: true,
    path: z.object({ activityId: idSchema }),
    body: redeemActivitySchema,
    response: transferSchema,
    status: 201,
  },
  async ({ deps, actor, subject, path, body, idempotency }) =>
    redeemActivity(deps, { actor, subject }, path.activityId, body.places, idempotency),
);
