import { transferSchema } from "#domain/ledger/books.ts";
import { donateToPot, donationSchema } from "#domain/ledger/credits.ts";
import { requiredIdempotency } from "#domain/ledger/idempotency.ts";
import { httpRoute } from "../route.ts";

/** Give credits to the community pot (Idempotency-Key required). */
export const handler = httpRoute(
  {
    summary: "Donate credits to the community pot (Idempotency-Key)",
    auth: "member",
    idempotency: "required",
    actFor: true,
    body: donationSchema,
    response: transferSchema,
    status: 201,
  },
  async ({ deps, actor, subject, body, event }) => {
    const request = { scope: actor.memberId, route: "donation", path: {}, subjectId: subject.memberId, body };
    return donateToPot(deps, { actor, subject }, body, requiredIdempotency(event.headers, request));
  },
);
