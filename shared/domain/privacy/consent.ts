import type { Deps } from "#domain/deps.ts";
import { ConflictError, RuleViolationError } from "#domain/kernel/errors.ts";
import type { Acting } from "#domain/membership/acting.ts";
import type { ConsentRecord, Member } from "#domain/membership/member.ts";
import type { City } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";
import { ConsentRequiredError, TermsChangedError } from "./errors.ts";

/** Where the member stands with the city's terms: whether they must agree (again), and to what. */
export const consentStatusSchema = z.object({
  /** true: the city publishes a version the member has not agreed to; ask before anything new. */
  required: z.boolean(),
  /** The version in force, when the city versions its terms. */
  version: z.optional(z.string()),
  termsUrl: z.optional(z.string()),
  /** The last version the member agreed to, and when. */
  agreedVersion: z.optional(z.string()),
  agreedAt: z.optional(z.iso.datetime()),
});
export type ConsentStatus = z.infer<typeof consentStatusSchema>;

export const consentRequestSchema = z.strictObject({
  /** The version of the terms the member read and agrees to (the one `GET /me` names). */
  version: z.string().check(z.minLength(1), z.maxLength(40)),
});
export type ConsentRequest = z.infer<typeof consentRequestSchema>;

function latest(member: Member): ConsentRecord | undefined {
  return member.consents.at(-1);
}

/**
 * Whether the member must agree to the city's terms again. Only people consent: an organisation
 * acts through its admins, who each agreed as people. A city that names no terms version asks
 * nobody again (joining still requires consent).
 */
export function consentStatusOf(
  city: Pick<City, "termsVersion" | "termsUrl">,
  member: Member,
): ConsentStatus {
  const last = latest(member);
  const version = city.termsVersion;
  const required =
    version !== undefined &&
    member.kind === "person" &&
    !member.consents.some((consent) => consent.version === version);
  return {
    required,
    ...(version ? { version } : {}),
    ...(city.termsUrl ? { termsUrl: city.termsUrl } : {}),
    ...(last ? { agreedVersion: last.version, agreedAt: last.agreedAt } : {}),
  };
}

/**
 * Refuses to start something new for a member who has not agreed to the terms in force.
 * @throws ConsentRequiredError naming the version to agree to.
 */
export function requireConsent(city: Pick<City, "termsVersion" | "termsUrl">, member: Member): void {
  const status = consentStatusOf(city, member);
  if (!status.required) return;
  throw new ConsentRequiredError(
    "The time bank's terms have changed: agree to the new version first (POST /me/consents)",
    [{ path: "consent.version", message: `Agree to version ${status.version} of the terms` }],
  );
}

/**
 * The member acted for agrees to the version of the terms in force: recorded once (again is the
 * same answer, nothing written). A coordinator acting for them records a consent given in person,
 * under their own id.
 * @throws TermsChangedError when the version is not the one in force; RuleViolationError for an
 * organisation; ConflictError when the member changed meanwhile.
 */
export async function recordConsent(
  deps: Pick<Deps, "members" | "clock" | "city">,
  acting: Acting,
  request: ConsentRequest,
): Promise<ConsentStatus> {
  const member = acting.subject;
  const current = deps.city.termsVersion;
  if (request.version !== current) {
    throw new TermsChangedError(
      current
        ? `Version ${request.version} is not the terms in force: read version ${current} and agree to it`
        : "This city does not version its terms: there is nothing to agree to again",
      [{ path: "version", message: current ? `The terms in force are version ${current}` : "No version" }],
    );
  }
  if (member.kind !== "person") throw new RuleViolationError("Only people agree to the terms");
  if (member.consents.some((consent) => consent.version === current)) {
    return consentStatusOf(deps.city, member);
  }
  const now = deps.clock.now().toISOString();
  const recordedBy = acting.actor.memberId !== member.memberId ? acting.actor.memberId : undefined;
  const next: Member = {
    ...member,
    consents: [
      ...member.consents,
      { version: current, agreedAt: now, ...(recordedBy ? { recordedBy } : {}) },
    ],
    consentedAt: now,
    updatedAt: now,
    updatedBy: acting.actor.memberId,
  };
  try {
    await deps.members.update(next, member.updatedAt);
  } catch (error) {
    // The same consent sent twice at once (a double tap): the first one wrote it, so this is done too.
    if (!(error instanceof ConflictError)) throw error;
    const fresh = await deps.members.get(member.memberId);
    if (!fresh?.consents.some((consent) => consent.version === current)) throw error;
    return consentStatusOf(deps.city, fresh);
  }
  return consentStatusOf(deps.city, next);
}
