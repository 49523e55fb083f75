import geohash from "ngeohash";
import type { Deps } from "#domain/deps.ts";
import { ValidationError } from "#domain/kernel/errors.ts";
import { insideBounds, pointSchema } from "#domain/kernel/geo.ts";
import { reprofileMember } from "#domain/matching/indexing.ts";
import { requireReachable } from "#domain/notices/channels.ts";
import type { City } from "#shared/config/city.ts";
import { languageSchema } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";
import type { Acting } from "./acting.ts";
import {
  availabilityWindowSchema,
  contactSchema,
  coordinatesArea,
  emailOptOutKindSchema,
  emailOptOutKinds,
  emailUndeliverable,
  emailUndeliverableSchema,
  type Member,
  memberSchema,
  skillsSchema,
  smsOptedOut,
} from "./member.ts";
import { requireArea, requirePreferredLanguage } from "./members.ts";

export const profileUpdateSchema = z.strictObject({
  displayName: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(80))),
  area: z.optional(z.string().check(z.maxLength(60))),
  languages: z.optional(z.array(languageSchema).check(z.minLength(1), z.maxLength(5))),
  /** The language Mutua speaks to the member, on every device. */
  preferredLanguage: z.optional(languageSchema),
  skills: z.optional(skillsSchema),
  /** null removes the stored home location. */
  home: z.optional(z.nullable(pointSchema)),
  availability: z.optional(z.array(availabilityWindowSchema).check(z.maxLength(28))),
  contact: z.optional(contactSchema),
  accessibilityNeeds: z.optional(z.nullable(z.string().check(z.maxLength(500)))),
  bio: z.optional(z.nullable(z.string().check(z.maxLength(1000)))),
  /** Kinds of email notice turned off (an unsubscribe link adds one; the profile can turn it back on). */
  emailOptOuts: z.optional(z.array(emailOptOutKindSchema).check(z.maxLength(emailOptOutKinds.length))),
  /** Members never to be matched with. */
  blocked: z.optional(
    z.array(z.string().check(z.regex(/^[0-9A-Za-z-]{1,40}$/, "must be a member id"))).check(z.maxLength(200)),
  ),
});
export type ProfileUpdate = z.infer<typeof profileUpdateSchema>;

/** What others see of a member: no contact details, no exact location. */
export const publicMemberSchema = z.object({
  memberId: z.string(),
  kind: memberSchema.shape.kind,
  displayName: z.string(),
  area: z.string(),
  languages: memberSchema.shape.languages,
  skills: skillsSchema,
  availability: z.array(availabilityWindowSchema),
  verified: z.boolean(),
  bio: z.optional(z.string()),
  organisationType: memberSchema.shape.organisationType,
  /** A coarse geohash cell around the home location (precision from the city config). */
  homeCell: z.optional(z.string()),
});
export type PublicMember = z.infer<typeof publicMemberSchema>;

/** What the member and the coordinators who help them see: adds contact, status and needs. */
export const privateMemberSchema = z.extend(publicMemberSchema, {
  status: memberSchema.shape.status,
  statusReason: z.optional(z.string()),
  preferredLanguage: memberSchema.shape.preferredLanguage,
  roles: memberSchema.shape.roles,
  contact: contactSchema,
  accessibilityNeeds: z.optional(z.string()),
  admins: z.array(z.string()),
  createdAt: z.string(),
  /** Kinds of email notice the member turned off. */
  emailOptOuts: z.array(emailOptOutKindSchema),
  /** Present when the member's email address cannot be reached: no mail goes to it. */
  emailUndeliverable: z.optional(emailUndeliverableSchema),
  /** Present when the member's phone number opted out of SMS: no SMS goes to it. */
  smsOptedOut: z.optional(z.object({ phone: z.string(), at: z.string() })),
});
export type PrivateMember = z.infer<typeof privateMemberSchema>;

/** The coarse cell shown instead of a home location. */
export function homeCellOf(member: Member, city: City): string | undefined {
  return member.home
    ? geohash.encode(member.home.lat, member.home.lon, city.privacy.locationCellPrecision)
    : undefined;
}

/** The member as `viewer` may see them. Exact home locations are never part of any view. */
export function viewMember(viewer: Member, member: Member, city: City): PublicMember | PrivateMember {
  const homeCell = homeCellOf(member, city);
  const view: PublicMember = {
    memberId: member.memberId,
    kind: member.kind,
    displayName: member.displayName,
    area: member.area,
    languages: member.languages,
    skills: member.skills,
    availability: member.availability,
    verified: member.verified,
    ...(member.bio ? { bio: member.bio } : {}),
    ...(member.organisationType ? { organisationType: member.organisationType } : {}),
    ...(homeCell ? { homeCell } : {}),
  };
  const close =
    viewer.memberId === member.memberId ||
    coordinatesArea(viewer, member.area) ||
    (member.kind === "organisation" && member.admins.includes(viewer.memberId));
  if (!close) return view;
  return {
    ...view,
    status: member.status,
    ...(member.statusReason ? { statusReason: member.statusReason } : {}),
    ...(member.preferredLanguage ? { preferredLanguage: member.preferredLanguage } : {}),
    roles: member.roles,
    contact: member.contact,
    ...(member.accessibilityNeeds ? { accessibilityNeeds: member.accessibilityNeeds } : {}),
    admins: member.admins,
    createdAt: member.createdAt,
    emailOptOuts: member.emailOptOuts,
    ...(emailUndeliverable(member) ? { emailUndeliverable: member.emailUndeliverable } : {}),
    ...(smsOptedOut(member) ? { smsOptedOut: member.smsOptedOut } : {}),
  };
}

/** @throws ValidationError naming the field for unknown categories or a home outside the city. */
function checkProfile(city: City, update: ProfileUpdate): void {
  if (update.area !== undefined) requireArea(city, update.area);
  if (update.preferredLanguage !== undefined) requirePreferredLanguage(city, update.preferredLanguage);
  const categories = new Set(city.skills.map((s) => s.id));
  update.skills?.categories.forEach((category, i) => {
    if (!categories.has(category)) {
      throw new ValidationError("Unknown skill category", [
        { path: `skills.categories.${i}`, message: "Not a category of this city" },
      ]);
    }
  });
  if (update.home && !insideBounds(update.home, city.map.bounds)) {
    throw new ValidationError("Home location is outside the city", [
      { path: "home", message: "Must lie inside the city's map bounds" },
    ]);
  }
  if (update.contact) requireReachable(city, update.contact);
  update.languages?.forEach((language, i) => {
    if (!city.languages.offered.includes(language)) {
      throw new ValidationError("Language not offered", [
        { path: `languages.${i}`, message: "Not offered in this city" },
      ]);
    }
  });
}

/**
 * Updates the profile of the member acted for; the actor is recorded for the audit trail.
 * @throws ValidationError for bad categories, areas or locations; ConflictError on a racing edit.
 */
export async function updateProfile(
  deps: Pick<Deps, "members" | "clock" | "city" | "matchIndex">,
  acting: Acting,
  update: ProfileUpdate,
): Promise<Member> {
  checkProfile(deps.city, update);
  const member = acting.subject;
  const { home, accessibilityNeeds, bio, ...plain } = update;
  const next: Member = {
    ...member,
    ...Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined)),
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: acting.actor.memberId,
  };
  if (home !== undefined) next.home = home ?? undefined;
  if (accessibilityNeeds !== undefined) next.accessibilityNeeds = accessibilityNeeds ?? undefined;
  if (bio !== undefined) next.bio = bio ?? undefined;
  // A new address is worth trying: the mark names the address that failed, not the member.
  if (!emailUndeliverable(next)) next.emailUndeliverable = undefined;
  if (!smsOptedOut(next)) next.smsOptedOut = undefined;
  const checked = memberSchema.parse(next);
  await deps.members.update(checked, member.updatedAt);
  // Languages, windows and whom they block count in matching from now on, not once the index
  // catches up (a language added there too late would leave them out of matches that want it).
  await reprofileMember(deps, checked);
  return checked;
}
