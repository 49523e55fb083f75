import { transferSchema } from "#domain/ledger/books.ts";
import { grantFromPot, grantSchema } from "#domain/ledger/credits.ts";
import { httpRoute } from "../route.ts";

/** A coordinator gives a member in scope credits from the pot, e.g. a welcome credit. */
export const handler = httpRoute(
  {
    summary:
      "Give a member credits from the community pot, e.g. a welcome credit (coordinators; Idempotency-Key)",
    auth: "member",
    staff: true,
    idempotency: "required",
    operation: "grant",
    body: grantSchema,
    response: transferSchema,
    status: 201,
  },
  async ({ deps, actor, body, idempotency }) => grantFromPot(deps, actor, body, idempotency),
);
