import { pageQueryFields } from "#domain/kernel/paging.ts";
import { redemptionRequestPageSchema } from "#domain/ledger/redemption-request.ts";
import { listMemberRedemptionRequests } from "#domain/ledger/venue-redemptions.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** Redemptions venues recorded for the member, newest first: the pending ones wait for their answer. */
export const handler = httpRoute(
  {
    summary: "Redemptions venues recorded for me, newest first; pending ones wait for my approval",
    auth: "member",
    actFor: true,
    query: z.strictObject(pageQueryFields),
    response: redemptionRequestPageSchema,
  },
  async ({ deps, actor, subject, query }) => ({
    body: await listMemberRedemptionRequests(
      deps,
      { actor, subject },
      { limit: query.limit ?? 20, cursor: query.cursor },
    ),
  }),
);
