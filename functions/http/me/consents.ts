import { consentRequestSchema, consentStatusSchema, recordConsent } from "#domain/privacy/consent.ts";
import { httpRoute } from "../route.ts";

/**
 * I agree to the version of the city's terms in force (again the same answer, nothing written);
 * a coordinator acting for a member records a consent the member gave in person.
 */
export const handler = httpRoute(
  {
    summary:
      "Agree to the version of the city's terms in force (idempotent; an old or unknown version is refused)",
    auth: "member",
    actFor: true,
    body: consentRequestSchema,
    response: consentStatusSchema,
  },
  async ({ deps, actor, subject, body }) => ({ body: await recordConsent(deps, { actor, subject }, body) }),
);
