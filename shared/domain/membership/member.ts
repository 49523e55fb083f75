import { pointSchema } from "#domain/kernel/geo.ts";
import { languageSchema } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";

/** One agreement to the city's terms: which version, when, and who recorded it if not the member. */
export const consentRecordSchema = z.object({
  version: z.string(),
  agreedAt: z.iso.datetime(),
  /** A coordinator who recorded the member's consent given in person (on paper, by phone). */
  recordedBy: z.optional(z.string()),
});
export type ConsentRecord = z.infer<typeof consentRecordSchema>;

export const memberKinds = ["person", "organisation"] as const;
export const memberStatuses = ["pending", "active", "declined", "suspended", "closed"] as const;
export type MemberStatus = (typeof memberStatuses)[number];
export const roles = ["resident", "coordinator", "admin"] as const;
export const contactPreferences = ["in-app", "email", "sms", "via-coordinator"] as const;
export const organisationTypes = ["charity", "council-service", "venue", "community-group"] as const;

export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

const tag = z.string().check(z.trim(), z.toLowerCase(), z.minLength(1), z.maxLength(30));

/** A weekly window in the city's local time: day 0 = Monday. */
export const availabilityWindowSchema = z
  .strictObject({
    day: z.int().check(z.gte(0), z.lte(6)),
    from: z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time like 09:30")),
    to: z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be a time like 17:00")),
  })
  .check(z.refine((w) => w.from < w.to, { message: "from must be before to", path: ["to"] }));
export type AvailabilityWindow = z.infer<typeof availabilityWindowSchema>;

export const skillsSchema = z.strictObject({
  /** Category ids from the city's taxonomy. */
  categories: z.array(z.string().check(z.maxLength(40))).check(z.maxLength(20)),
  /** Free tags, lower-cased. */
  tags: z.array(tag).check(z.maxLength(30)),
});

/**
 * Kinds of email notice a member may turn off on their own (the one-click unsubscribe link in
 * each such email, or the profile): the regular ones. Notices about their exchanges, credits and
 * membership always go.
 */
export const emailOptOutKinds = ["digest", "suggestion"] as const;
export const emailOptOutKindSchema = z.enum(emailOptOutKinds);
export type EmailOptOutKind = z.infer<typeof emailOptOutKindSchema>;

/** Why an address gets no more email: it bounced for good, or its owner marked a mail as spam. */
export const undeliverableReasons = ["bounce", "complaint"] as const;

export const emailUndeliverableSchema = z.object({
  address: z.string(),
  reason: z.enum(undeliverableReasons),
  at: z.iso.datetime(),
});

export const contactSchema = z.strictObject({
  preference: z.enum(contactPreferences),
  email: z.optional(z.email().check(z.maxLength(254))),
  phone: z.optional(
    z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, "must be an international number like +32470123456")),
  ),
});
export type Contact = z.infer<typeof contactSchema>;

export const memberSchema = z.object({
  memberId: z.string().check(z.minLength(1)),
  kind: z.enum(memberKinds),
  displayName: z.string().check(z.minLength(1), z.maxLength(80)),
  status: z.enum(memberStatuses),
  roles: z.array(roleSchema),
  /** Areas a coordinator may act in; empty means the whole city. */
  coordinatorAreas: z.array(z.string()),
  area: z.string(),
  /** The languages the member speaks (matching prefers a shared one). */
  languages: z.array(languageSchema),
  /**
   * The language Mutua speaks to the member (web app, notices, emails), kept here so every device
   * follows it. Absent: the city's default.
   */
  preferredLanguage: z.optional(languageSchema),
  /** Set by a coordinator after checking the person; sensitive posts are shown only to verified members. */
  verified: z._default(z.boolean(), false),
  skills: z._default(skillsSchema, { categories: [], tags: [] }),
  /** Exact home location: private, used for distance; only ever shown as a coarse cell. */
  home: z.optional(pointSchema),
  availability: z._default(z.array(availabilityWindowSchema), []),
  contact: z._default(contactSchema, { preference: "in-app" }),
  accessibilityNeeds: z.optional(z.string().check(z.maxLength(500))),
  bio: z.optional(z.string().check(z.maxLength(1000))),
  /** Kinds of email notice the member turned off (they still reach the inbox). */
  emailOptOuts: z._default(z.array(emailOptOutKindSchema), []),
  /**
   * The address email could not be delivered to: nothing more is sent to it (a new address in the
   * profile clears it).
   */
  emailUndeliverable: z.optional(emailUndeliverableSchema),
  /** The phone number that opted out of SMS (replied STOP): nothing more is sent to it. */
  smsOptedOut: z.optional(z.object({ phone: z.string(), at: z.iso.datetime() })),
  /** Members this member never wants to be matched with (either way). */
  blocked: z._default(z.array(z.string().check(z.maxLength(40))).check(z.maxLength(200)), []),
  /** Organisations only: the residents who act for it. */
  admins: z._default(z.array(z.string()), []),
  organisationType: z.optional(z.enum(organisationTypes)),
  /** Why a coordinator declined or suspended, shown to the member. */
  statusReason: z.optional(z.string()),
  /** When the member consented to the city's terms (required to join). */
  consentedAt: z.optional(z.iso.datetime()),
  /**
   * Every version of the city's terms the member agreed to, oldest first (a city that versions its
   * terms asks again for each new version): the record of their consent.
   */
  consents: z._default(z.array(consentRecordSchema).check(z.maxLength(200)), []),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Who made the last change (member id or "system"): feeds the audit trail. */
  updatedBy: z.optional(z.string()),
});
export type Member = z.infer<typeof memberSchema>;
/** What callers supply when creating a member; defaults fill the rest. */
export type NewMember = z.input<typeof memberSchema>;

/** Whether the member's current email address is one mail cannot reach (bounced, or complained of). */
export function emailUndeliverable(member: Member): boolean {
  const mark = member.emailUndeliverable;
  const email = member.contact.email;
  return !!mark && !!email && mark.address.toLowerCase() === email.toLowerCase();
}

/** Whether the member's current phone number opted out of SMS. */
export function smsOptedOut(member: Member): boolean {
  return !!member.smsOptedOut && member.smsOptedOut.phone === member.contact.phone;
}

/** Whether the member may act at all: pending, declined, suspended and closed members may not. */
export function isActive(member: Member): boolean {
  return member.status === "active";
}

export function isCoordinatorOrAdmin(member: Member): boolean {
  return member.roles.includes("coordinator") || member.roles.includes("admin");
}

/** Whether a coordinator's scope covers an area (an empty scope covers the whole city). */
export function coordinatesArea(member: Member, area: string): boolean {
  if (!isActive(member)) return false;
  if (member.roles.includes("admin")) return true;
  if (!member.roles.includes("coordinator")) return false;
  return member.coordinatorAreas.length === 0 || member.coordinatorAreas.includes(area);
}

/** A complete member from the supplied fields, with defaults applied and every rule checked. */
export function newMember(fields: NewMember): Member {
  return memberSchema.parse(fields);
}
