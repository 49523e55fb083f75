import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import { transitionSchema } from "#domain/exchanges/requests.ts";
import { transitionExchange } from "#domain/exchanges/use-cases.ts";
import { idSchema } from "#domain/kernel/ids.ts";
import { runIdempotent } from "#domain/ledger/idempotency.ts";
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
    operation: "transition",
    // Confirming settles the exchange on the ledger: that request must carry a key.
    idempotencyRequiredWhen: (body) => body.action === "confirm",
    actFor: true,
    path: z.object({ exchangeId: idSchema }),
    body: transitionSchema,
    response: exchangeSchema,
  },
  async ({ deps, actor, subject, path, body, idempotency }) => {
    return runIdempotent(deps, idempotency, async (record) => ({
      status: 200,
      body: await transitionExchange(deps, { actor, subject }, path.exchangeId, body, record),
    }));
  },
);
