import { transferSchema } from "#domain/ledger/books.ts";
import { donateToPot, donationSchema } from "#domain/ledger/credits.ts";
import { httpRoute } from "../route.ts";

/** Give credits to the community pot (Idempotency-Key required). */
export const handler = httpRoute(
  {
    summary: "Donate credits to the community pot (Idempotency-Key)",
    auth: "member",
    idempotency: "required",
    operation: "donation",
    actFor: true,
    body: donationSchema,
    response: transferSchema,
    status: 201,
  },
  async ({ deps, actor, subject, body, idempotency }) =>
    donateToPot(deps, { actor, subject }, body, idempotency),
);
