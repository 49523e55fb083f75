import { idSchema } from "#domain/kernel/ids.ts";
import { pageQueryFields } from "#domain/kernel/paging.ts";
import { daySchema, redemptionRequestPageSchema } from "#domain/ledger/redemption-request.ts";
import { listVenueRedemptionRequests } from "#domain/ledger/venue-redemptions.ts";
import { resolveActing } from "#domain/membership/acting.ts";
import * as z from "#shared/zod.ts";
import { httpRoute } from "../route.ts";

/** A venue's daily list: the redemptions it recorded on one day (today by default) and where each stands. */
export const handler = httpRoute(
  {
    summary: "Redemptions a venue recorded on one day, newest first, and where each stands (its admins)",
    auth: "member",
    path: z.object({ memberId: idSchema }),
    query: z.strictObject({ ...pageQueryFields, day: z.optional(daySchema) }),
    response: redemptionRequestPageSchema,
  },
  async ({ deps, actor, path, query }) => ({
    body: await listVenueRedemptionRequests(
      deps,
      await resolveActing(deps, actor, path.memberId),
      query.day,
      {
        limit: query.limit ?? 50,
        cursor: query.cursor,
      },
    ),
  }),
);
