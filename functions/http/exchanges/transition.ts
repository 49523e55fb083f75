import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import { transitionSchema } from "#domain/exchanges/requests.ts";
import { transitionExchange } from "#domain/exchanges/use-cases.ts";
import { idSchema } from "#domain/kernel/ids.ts";
import { optionalIdempotency, runIdempotent } from "#domain/ledger/idempotency.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/**
 * accept, decline, cancel, complete (the provider logs minutes), confirm (the receiver; settles
 * the exchange on the ledger, so it needs an Idempotency-Key) or dispute.
 */
export const handler = httpRoute(
  {
    summary:
      "Move an exchange along: accept, decline, cancel, complete, confirm (settles; Idempotency-Key) or dispute",
    auth: "member",
    idempotency: "optional",
    actFor: true,
    path: z.object({ exchangeId: idSchema }),
    body: transitionSchema,
    response: exchangeSchema,
  },
  async ({ deps, actor, subject, path, body, event }) => {
    const request = { scope: actor.memberId, route: "transition", path, subjectId: subject.memberId, body };
    const context = optionalIdempotency(event.headers, request, body.action === "confirm");
    return runIdempotent(deps, context, async (record) => ({
      status: 200,
      body: await transitionExchange(deps, { actor, subject }, path.exchangeId, body, record),
    }));
  },
);
