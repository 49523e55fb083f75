import { transferSchema } from "#domain/ledger/books.ts";
import { grantFromPot, grantSchema } from "#domain/ledger/credits.ts";
import { requiredIdempotency } from "#domain/ledger/idempotency.ts";
import { httpRoute } from "../route.ts";

/** A coordinator gives a member in scope credits from the pot, e.g. a welcome credit. */
export const handler = httpRoute(
  {
    summary:
      "Give a member credits from the community pot, e.g. a welcome credit (coordinators; Idempotency-Key)",
    auth: "member",
    idempotency: "required",
    body: grantSchema,
    response: transferSchema,
    status: 201,
  },
  async ({ deps, actor, body, event }) => {
    const request = { scope: actor.memberId, route: "grant", path: {}, subjectId: actor.memberId, body };
    return grantFromPot(deps, actor, body, requiredIdempotency(event.headers, request));
  },
);
