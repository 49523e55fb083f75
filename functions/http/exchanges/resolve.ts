import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import { resolutionSchema } from "#domain/exchanges/requests.ts";
import { resolveExchange } from "#domain/exchanges/use-cases.ts";
import { idSchema } from "#domain/kernel/ids.ts";
import { runIdempotent } from "#domain/ledger/idempotency.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** A coordinator in scope settles, adjusts or cancels a disputed (or completed) exchange. */
export const handler = httpRoute(
  {
    summary:
      "Resolve a disputed or completed exchange: settle, adjust or cancel (coordinators; Idempotency-Key)",
    auth: "member",
    staff: true,
    idempotency: "required",
    operation: "resolution",
    path: z.object({ exchangeId: idSchema }),
    body: resolutionSchema,
    response: exchangeSchema,
  },
  async ({ deps, actor, path, body, idempotency }) => {
    return runIdempotent(deps, idempotency, async (record) => ({
      status: 200,
      body: await resolveExchange(deps, actor, path.exchangeId, body, record),
    }));
  },
);
