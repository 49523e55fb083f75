import { idSchema } from "#domain/kernel/ids.ts";
import { transferSchema } from "#domain/ledger/books.ts";
import { awardCredits, awardSchema } from "#domain/ledger/credits.ts";
import { resolveActing } from "#domain/membership/acting.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** An organisation's admin awards credits to volunteers, within the quota an admin set. */
export const handler = httpRoute(
  {
    summary: "Award credits to volunteers from an organisation, all at once (its admins; Idempotency-Key)",
    auth: "member",
    idempotency: "required",
    operation: "award",
    path: z.object({ memberId: idSchema }),
    body: awardSchema,
    response: transferSchema,
    status: 201,
  },
  async ({ deps, actor, path, body, idempotency }) => {
    const acting = await resolveActing(deps, actor, path.memberId);
    return awardCredits(deps, acting, body, idempotency);
  },
);
