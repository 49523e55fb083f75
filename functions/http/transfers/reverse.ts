import { idSchema } from "#domain/kernel/ids.ts";
import { transferSchema } from "#domain/ledger/books.ts";
import { reversalSchema, reverseTransfer } from "#domain/ledger/credits.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** A coordinator reverses a transfer with a new, opposite transfer; a second reversal is refused. */
export const handler = httpRoute(
  {
    summary: "Reverse a transfer with an opposite transfer (coordinators in scope; Idempotency-Key)",
    auth: "member",
    staff: true,
    idempotency: "required",
    operation: "reversal",
    path: z.object({ transferId: idSchema }),
    body: reversalSchema,
    response: transferSchema,
    status: 201,
  },
  async ({ deps, actor, path, body, idempotency }) =>
    reverseTransfer(deps, actor, path.transferId, body, idempotency),
);
