import { listMyOrganisations, myOrganisationsSchema } from "#domain/membership/members.ts";
import { httpRoute } from "../route.ts";

/** The organisations (charities, venues, ...) the caller acts for as an admin. */
export const handler = httpRoute(
  {
    summary: "The organisations I administer (charities, council services, venues)",
    auth: "member",
    response: myOrganisationsSchema,
  },
  async ({ deps, actor }) => ({ body: { items: await listMyOrganisations(deps, actor) } }),
);
