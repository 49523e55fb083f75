import type { Deps } from "#domain/deps.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationError,
} from "#domain/kernel/errors.ts";
import {
  decodeCursor,
  encodeCursor,
  MAX_CURSOR_LENGTH,
  type Page,
  type PageRequest,
} from "#domain/kernel/paging.ts";
import { withArticle } from "#domain/kernel/words.ts";
import { reprofileMember } from "#domain/matching/indexing.ts";
import { requireReachable } from "#domain/notices/channels.ts";
import { noticeContent } from "#domain/notices/kinds.ts";
import { notify } from "#domain/notices/notify.ts";
import { pseudonymOf } from "#domain/privacy/pseudonym.ts";
import type { City } from "#shared/config/city.ts";
import { languageSchema } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";
import type { Acting } from "./acting.ts";
import {
  contactSchema,
  coordinatesArea,
  isCoordinatorOrAdmin,
  type Member,
  type MemberStatus,
  memberStatuses,
  newMember,
  organisationTypes,
  roleSchema,
  skillsSchema,
} from "./member.ts";
import { refuseSelfDealing } from "./power.ts";
import { commitStanding } from "./standing.ts";

const displayName = z.string().check(z.trim(), z.minLength(1), z.maxLength(80));
const reason = z.string().check(z.trim(), z.minLength(3), z.maxLength(500));
const languages = z.array(languageSchema).check(z.minLength(1), z.maxLength(5));

export const joinRequestSchema = z.strictObject({
  displayName,
  area: z.string().check(z.maxLength(60)),
  languages,
  /** The language Mutua should speak to them (one the city offers). */
  preferredLanguage: z.optional(languageSchema),
  /** The applicant accepts the city's terms; nobody joins without it. */
  consent: z.literal(true, "You must accept the city's terms to join"),
  contact: z.optional(contactSchema),
});
export type JoinRequest = z.infer<typeof joinRequestSchema>;

export const decisionSchema = z.strictObject({ reason });
export const verifySchema = z.strictObject({ verified: z.boolean() });

export const newResidentSchema = z.strictObject({
  displayName,
  area: z.string().check(z.maxLength(60)),
  languages,
  contact: z._default(contactSchema, { preference: "via-coordinator" }),
  skills: z.optional(skillsSchema),
  accessibilityNeeds: z.optional(z.string().check(z.maxLength(500))),
});
export type NewResident = z.infer<typeof newResidentSchema>;

export const rolesSchema = z.strictObject({
  roles: z.array(roleSchema).check(z.minLength(1)),
  coordinatorAreas: z._default(z.array(z.string().check(z.maxLength(60))), []),
});

export const newOrganisationSchema = z.strictObject({
  displayName,
  area: z.string().check(z.maxLength(60)),
  organisationType: z.enum(organisationTypes),
  languages,
  admins: z.array(z.string().check(z.maxLength(40))).check(z.minLength(1), z.maxLength(20)),
  bio: z.optional(z.string().check(z.maxLength(1000))),
});
export const adminsSchema = z.strictObject({
  admins: z.array(z.string().check(z.maxLength(40))).check(z.minLength(1), z.maxLength(20)),
});

type MembershipDeps = Pick<Deps, "members" | "clock" | "ids" | "city" | "inbox">;
type DecisionDeps = MembershipDeps & Pick<Deps, "ledger" | "matchIndex">;

/** @throws ValidationError naming `field` when the area is not one of the city's. */
export function requireArea(city: City, area: string, field = "area"): void {
  if (!city.areas.some((a) => a.id === area)) {
    throw new ValidationError("Unknown area", [
      { path: field, message: `Must be one of: ${city.areas.map((a) => a.id).join(", ")}` },
    ]);
  }
}

/** @throws ValidationError naming the field when a language is not offered by the city. */
function requireLanguages(city: City, list: readonly string[], field = "languages"): void {
  const offered = new Set<string>(city.languages.offered);
  list.forEach((language, index) => {
    if (!offered.has(language)) {
      throw new ValidationError("Language not offered", [
        { path: `${field}.${index}`, message: `Must be one of: ${city.languages.offered.join(", ")}` },
      ]);
    }
  });
}

/** @throws ValidationError naming `preferredLanguage` when the city does not offer it. */
export function requirePreferredLanguage(city: City, language: string): void {
  if (!city.languages.offered.some((l) => l === language)) {
    throw new ValidationError("Language not offered", [
      { path: "preferredLanguage", message: `Must be one of: ${city.languages.offered.join(", ")}` },
    ]);
  }
}

/**
 * A member a coordinator may manage: in their scope, and not a fellow coordinator unless the
 * actor is an admin. Anything else reads as not found, so existence never leaks.
 * @throws NotFoundError
 */
export async function memberInScope(
  deps: Pick<Deps, "members">,
  actor: Member,
  memberId: string,
): Promise<Member> {
  const member = await deps.members.get(memberId);
  const allowed =
    member &&
    member.memberId !== actor.memberId &&
    coordinatesArea(actor, member.area) &&
    (!isCoordinatorOrAdmin(member) || actor.roles.includes("admin"));
  if (!member || !allowed) throw new NotFoundError("No such member");
  return member;
}

/**
 * The member a coordinator decides about (approve, decline, suspend, reinstate, verify): in scope,
 * and never themselves or an organisation they run.
 * @throws SelfDealingError; NotFoundError out of scope.
 */
async function memberToDecide(deps: Pick<Deps, "members">, actor: Member, memberId: string, what: string) {
  if (memberId === actor.memberId) refuseSelfDealing(actor, actor, what);
  const member = await memberInScope(deps, actor, memberId);
  refuseSelfDealing(actor, member, what);
  return member;
}

/** @throws ForbiddenError unless the actor is an active coordinator or admin. */
export function requireCoordinator(actor: Member): void {
  if (actor.status !== "active" || !isCoordinatorOrAdmin(actor)) {
    throw new ForbiddenError("Only coordinators can do this");
  }
}

/** @throws ForbiddenError unless the actor is an active admin. */
export function requireAdmin(actor: Member): void {
  if (actor.status !== "active" || !actor.roles.includes("admin"))
    throw new ForbiddenError("Only admins can do this");
}

function touched(member: Member, changes: Partial<Member>, actorId: string, now: Date): Member {
  return { ...member, ...changes, updatedAt: now.toISOString(), updatedBy: actorId };
}

/**
 * A signed-in person asks to join: a pending member linked to their login, waiting for a coordinator.
 * @throws ConflictError when this login has already joined; ValidationError for an unknown area.
 */
export async function askToJoin(
  deps: MembershipDeps,
  loginSubject: string,
  request: JoinRequest,
): Promise<Member> {
  requireArea(deps.city, request.area);
  requireLanguages(deps.city, request.languages);
  if (request.contact) requireReachable(deps.city, request.contact);
  if (request.preferredLanguage) requirePreferredLanguage(deps.city, request.preferredLanguage);
  if (await deps.members.getBySubject(loginSubject)) throw new ConflictError("You have already joined");
  const now = deps.clock.now().toISOString();
  const member = newMember({
    memberId: deps.ids.next(),
    kind: "person",
    displayName: request.displayName,
    status: "pending",
    roles: ["resident"],
    coordinatorAreas: [],
    area: request.area,
    languages: request.languages,
    ...(request.preferredLanguage ? { preferredLanguage: request.preferredLanguage } : {}),
    ...(request.contact ? { contact: request.contact } : {}),
    consentedAt: now,
    ...(deps.city.termsVersion ? { consents: [{ version: deps.city.termsVersion, agreedAt: now }] } : {}),
    createdAt: now,
    updatedAt: now,
  });
  await deps.members.create(member, loginSubject);
  return member;
}

const transitions: Record<
  string,
  {
    from: MemberStatus[];
    to: MemberStatus;
    /** The decision as a past participle, for messages ("cannot be approved"). */
    done: string;
    notice?: "membership-approved" | "membership-declined" | "membership-suspended" | "membership-reinstated";
  }
> = {
  approve: { from: ["pending"], to: "active", done: "approved", notice: "membership-approved" },
  decline: { from: ["pending"], to: "declined", done: "declined", notice: "membership-declined" },
  suspend: { from: ["active"], to: "suspended", done: "suspended", notice: "membership-suspended" },
  reinstate: { from: ["suspended"], to: "active", done: "reinstated", notice: "membership-reinstated" },
};
export type MembershipDecision = keyof typeof transitions;

/**
 * A coordinator in scope approves, declines, suspends or reinstates a member; the member is told
 * in their inbox. Reasons are required to decline or suspend. Suspending freezes the member's
 * account (nothing moves it until they are reinstated) in the same transaction as the status.
 * @throws SelfDealingError about themselves; NotFoundError out of scope; RuleViolationError when
 * the member's status does not allow it; ConflictError when someone changed the member meanwhile.
 */
export async function decideMembership(
  deps: DecisionDeps,
  actor: Member,
  memberId: string,
  decision: MembershipDecision,
  reasonText?: string,
): Promise<Member> {
  requireCoordinator(actor);
  const member = await memberToDecide(deps, actor, memberId, "decides about their own membership");
  const rule = transitions[decision];
  if (!rule) throw new ValidationError("Unknown decision");
  if (!rule.from.includes(member.status)) {
    throw new RuleViolationError(`${withArticle(member.status, true)} member cannot be ${rule.done}`);
  }
  const now = deps.clock.now();
  const next = touched(
    member,
    { status: rule.to, ...(reasonText ? { statusReason: reasonText } : { statusReason: undefined }) },
    actor.memberId,
    now,
  );
  if (rule.to === "suspended" || member.status === "suspended") {
    // Suspending freezes the member's account in the same transaction; reinstating thaws it.
    await commitStanding(deps, next, member.updatedAt);
  } else {
    await deps.members.update(next, member.updatedAt);
  }
  // A member reinstated is found by matching from now on, not once the index catches up.
  if (next.status === "active") await reprofileMember(deps, next);
  if (rule.notice) {
    await notify(deps, {
      memberId: member.memberId,
      ...noticeContent(rule.notice, reasonText ? { reason: reasonText } : {}),
      link: `/members/${member.memberId}`,
      dedupeKey: `${rule.notice}#${next.updatedAt}`,
    });
  }
  return next;
}

/**
 * Marks a member verified (or not) after a coordinator has checked them: only verified members see
 * posts in sensitive categories.
 * @throws SelfDealingError about themselves; NotFoundError out of scope.
 */
export async function setVerified(
  deps: MembershipDeps & Pick<Deps, "matchIndex">,
  actor: Member,
  memberId: string,
  verified: boolean,
) {
  requireCoordinator(actor);
  const member = await memberToDecide(deps, actor, memberId, "verifies themselves");
  const next = touched(member, { verified }, actor.memberId, deps.clock.now());
  await deps.members.update(next, member.updatedAt);
  // Sensitive posts find them from now on, not once the index catches up.
  await reprofileMember(deps, next);
  return next;
}

/**
 * A coordinator registers a resident who has no email or phone; the coordinator is their contact.
 * @throws ForbiddenError when the area is outside the coordinator's scope.
 */
export async function registerResident(
  deps: MembershipDeps,
  actor: Member,
  request: NewResident,
): Promise<Member> {
  requireCoordinator(actor);
  requireArea(deps.city, request.area);
  requireLanguages(deps.city, request.languages);
  requireReachable(deps.city, request.contact);
  if (!coordinatesArea(actor, request.area)) throw new ForbiddenError("That area is outside your scope");
  const now = deps.clock.now().toISOString();
  const member = newMember({
    memberId: deps.ids.next(),
    kind: "person",
    displayName: request.displayName,
    status: "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: request.area,
    languages: request.languages,
    contact: request.contact,
    ...(request.skills ? { skills: request.skills } : {}),
    ...(request.accessibilityNeeds ? { accessibilityNeeds: request.accessibilityNeeds } : {}),
    createdAt: now,
    updatedAt: now,
    updatedBy: actor.memberId,
  });
  await deps.members.create(member, undefined);
  return member;
}

/**
 * An admin sets a member's roles and coordinator areas.
 * @throws ForbiddenError for non-admins; RuleViolationError when admins would demote themselves.
 */
export async function setRoles(
  deps: MembershipDeps,
  actor: Member,
  memberId: string,
  request: z.infer<typeof rolesSchema>,
): Promise<Member> {
  requireAdmin(actor);
  for (const [i, area] of request.coordinatorAreas.entries())
    requireArea(deps.city, area, `coordinatorAreas.${i}`);
  const member = await deps.members.get(memberId);
  if (member?.kind !== "person") throw new NotFoundError("No such member");
  if (member.memberId === actor.memberId && !request.roles.includes("admin")) {
    throw new RuleViolationError("Admins cannot remove their own admin role");
  }
  const next = touched(
    member,
    {
      roles: [...new Set(request.roles)],
      coordinatorAreas: request.roles.includes("coordinator") ? request.coordinatorAreas : [],
    },
    actor.memberId,
    deps.clock.now(),
  );
  await deps.members.update(next, member.updatedAt);
  return next;
}

async function requireActivePeople(deps: Pick<Deps, "members">, ids: readonly string[]): Promise<void> {
  const members = await Promise.all(ids.map((id) => deps.members.get(id)));
  members.forEach((member, index) => {
    if (member?.kind !== "person" || member.status !== "active") {
      throw new ValidationError("Organisation admins must be active residents", [
        { path: `admins.${index}`, message: "Not an active resident" },
      ]);
    }
  });
}

/**
 * A coordinator registers an organisation (charity, council service, venue) with the residents
 * who act for it.
 * @throws ForbiddenError out of scope; ValidationError when an admin is not an active resident.
 */
export async function registerOrganisation(
  deps: MembershipDeps,
  actor: Member,
  request: z.infer<typeof newOrganisationSchema>,
): Promise<Member> {
  requireCoordinator(actor);
  requireArea(deps.city, request.area);
  requireLanguages(deps.city, request.languages);
  if (!coordinatesArea(actor, request.area)) throw new ForbiddenError("That area is outside your scope");
  await requireActivePeople(deps, request.admins);
  const now = deps.clock.now().toISOString();
  const organisation = newMember({
    memberId: deps.ids.next(),
    kind: "organisation",
    displayName: request.displayName,
    status: "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: request.area,
    languages: request.languages,
    organisationType: request.organisationType,
    admins: [...new Set(request.admins)],
    ...(request.bio ? { bio: request.bio } : {}),
    verified: true,
    createdAt: now,
    updatedAt: now,
    updatedBy: actor.memberId,
  });
  await deps.members.create(organisation, undefined);
  return organisation;
}

/**
 * Replaces an organisation's admins; allowed to its current admins and to coordinators in scope.
 * @throws NotFoundError when the caller may not manage it.
 */
export async function setOrganisationAdmins(
  deps: MembershipDeps,
  acting: Acting,
  admins: readonly string[],
): Promise<Member> {
  const organisation = acting.subject;
  if (organisation.kind !== "organisation") throw new NotFoundError("No such organisation");
  await requireActivePeople(deps, admins);
  const next = touched(
    organisation,
    { admins: [...new Set(admins)] },
    acting.actor.memberId,
    deps.clock.now(),
  );
  await deps.members.update(next, organisation.updatedAt);
  return next;
}

/**
 * Members with a status, for a coordinator: one area, or every area in scope one after another.
 * The cursor remembers which area and where in it.
 * @throws ForbiddenError for non-coordinators; NotFoundError for an area out of scope.
 */
export async function listMembers(
  deps: Pick<Deps, "members" | "city">,
  actor: Member,
  status: MemberStatus,
  area: string | undefined,
  page: PageRequest,
): Promise<Page<Member>> {
  requireCoordinator(actor);
  const areas = area ? [area] : deps.city.areas.map((a) => a.id).filter((id) => coordinatesArea(actor, id));
  if (area) {
    requireArea(deps.city, area, "query.area");
    if (!coordinatesArea(actor, area)) throw new ForbiddenError("That area is outside your scope");
  }
  const position = decodeAreaCursor(page.cursor, status, areas);
  const items: Member[] = [];
  let index = position.index;
  let cursor = position.inner;
  while (index < areas.length && items.length < page.limit) {
    const result = await deps.members.listByStatus(status, areas[index] ?? "", {
      limit: page.limit - items.length,
      cursor,
    });
    items.push(...result.items);
    if (result.nextCursor) cursor = result.nextCursor;
    else {
      index++;
      cursor = undefined;
    }
  }
  const nextCursor = index < areas.length ? encodeAreaCursor(status, areas, index, cursor) : undefined;
  return { items, ...(nextCursor ? { nextCursor } : {}) };
}

// The position is which area the queue is in and the store's cursor inside it (checked by the
// repository against that area's partition when it is used).
const areaQueue = (status: MemberStatus, areas: readonly string[]) => `members:${status}:${areas.join(",")}`;

function encodeAreaCursor(
  status: MemberStatus,
  areas: readonly string[],
  index: number,
  inner: string | undefined,
): string {
  return encodeCursor(areaQueue(status, areas), { a: index, c: inner ?? null });
}

function decodeAreaCursor(
  cursor: string | undefined,
  status: MemberStatus,
  areas: readonly string[],
): { index: number; inner: string | undefined } {
  const shape = z.strictObject({
    a: z.int().check(z.gte(0), z.lt(areas.length)),
    c: z.nullable(z.string().check(z.maxLength(MAX_CURSOR_LENGTH))),
  });
  const position = decodeCursor(cursor, areaQueue(status, areas), shape);
  return { index: position?.a ?? 0, inner: position?.c ?? undefined };
}

/** A member as another active member may look them up; hidden members read as not found. */
export async function lookUpMember(
  deps: Pick<Deps, "members">,
  viewer: Member,
  memberId: string,
): Promise<Member> {
  const member = await deps.members.get(memberId);
  const visible =
    member &&
    (member.status === "active" ||
      member.memberId === viewer.memberId ||
      coordinatesArea(viewer, member.area));
  if (!member || !visible) throw new NotFoundError("No such member");
  return member;
}

/**
 * Every member in the coordinator's areas, all statuses, for a CSV export. Reads index pages,
 * never scans the table.
 * @throws ForbiddenError for non-coordinators.
 */
export async function membersForExport(
  deps: Pick<Deps, "members" | "city">,
  actor: Member,
): Promise<Member[]> {
  requireCoordinator(actor);
  const out: Member[] = [];
  for (const area of deps.city.areas.filter((a) => coordinatesArea(actor, a.id))) {
    for (const status of ["pending", "active", "suspended", "declined", "closed"] as const) {
      let cursor: string | undefined;
      do {
        const page = await deps.members.listByStatus(status, area.id, { limit: 100, cursor });
        out.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
    }
  }
  return out;
}

/**
 * The member acted for as a closed account: status closed, contact details, home location, needs
 * and bio erased. The record stays so past exchanges keep their counterpart. (Pure: closing.ts
 * settles the balance and writes it with the account's freeze.)
 * @throws RuleViolationError when the account is already closed.
 */
export function closedMember(acting: Acting, now: Date): Member {
  const member = acting.subject;
  if (member.status === "closed") throw new RuleViolationError("The account is already closed");
  // Erasure: the name becomes a pseudonym and what the member told of themself goes; the stream
  // then erases every copy (privacy/erasure.ts). Area and kind stay: coordinators' scope, figures.
  return {
    ...member,
    status: "closed",
    displayName: pseudonymOf(member.memberId),
    contact: { preference: "in-app" },
    home: undefined,
    accessibilityNeeds: undefined,
    bio: undefined,
    availability: [],
    skills: { categories: [], tags: [] },
    blocked: [],
    preferredLanguage: undefined,
    statusReason: undefined,
    updatedAt: now.toISOString(),
    updatedBy: acting.actor.memberId,
  };
}

/**
 * A member's audit trail, newest first: for the member themself, their coordinators and admins.
 * @throws NotFoundError for anyone else (the same answer as for a member who does not exist).
 */
export async function auditTrailOf(deps: Pick<Deps, "members" | "audit">, viewer: Member, memberId: string) {
  const member = memberId === viewer.memberId ? viewer : await deps.members.get(memberId);
  if (!member || (member.memberId !== viewer.memberId && !coordinatesArea(viewer, member.area))) {
    throw new NotFoundError("No such member");
  }
  return deps.audit.listForSubject(member.memberId, 50);
}

export const myOrganisationSchema = z.object({
  memberId: z.string(),
  displayName: z.string(),
  organisationType: z.optional(z.enum(organisationTypes)),
  area: z.string(),
  status: z.enum(memberStatuses),
});
export const myOrganisationsSchema = z.object({ items: z.array(myOrganisationSchema) });
export type MyOrganisation = z.infer<typeof myOrganisationSchema>;

/**
 * The organisations (charities, venues, ...) the member acts for as an admin, by name: their own
 * index, checked against each organisation's current admins, so one they no longer run is left out.
 */
export async function listMyOrganisations(
  deps: Pick<Deps, "members">,
  member: Member,
): Promise<MyOrganisation[]> {
  const ids = await deps.members.listAdministeredOrganisationIds(member.memberId);
  if (ids.length === 0) return [];
  const organisations = await deps.members.getMany(ids);
  return [...organisations.values()]
    .filter((o) => o.kind === "organisation" && o.admins.includes(member.memberId))
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .map((o) => ({
      memberId: o.memberId,
      displayName: o.displayName,
      ...(o.organisationType ? { organisationType: o.organisationType } : {}),
      area: o.area,
      status: o.status,
    }));
}
