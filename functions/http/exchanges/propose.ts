import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import { proposeExchangeSchema } from "#domain/exchanges/requests.ts";
import { proposeExchange } from "#domain/exchanges/use-cases.ts";
import { httpRoute } from "../route.ts";

/**
 * Propose an exchange directly (provider, receiver, minutes, category), or from an accepted match
 * by naming `matchId`. Coordinators and organisation admins propose for others with x-act-for.
 */
export const handler = httpRoute(
  {
    summary:
      "Propose an exchange: provider(s), receiver(s), agreed minutes, category (optional post or match)",
    auth: "member",
    // A new commitment waits for the member's consent to the terms in force.
    consent: "required",
    actFor: true,
    body: proposeExchangeSchema,
    response: exchangeSchema,
    status: 201,
  },
  async ({ deps, actor, subject, body }) => ({ body: await proposeExchange(deps, { actor, subject }, body) }),
);
