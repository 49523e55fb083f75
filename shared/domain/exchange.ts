import * as z from "../zod.ts";
import type { Acting } from "./acting.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationError,
} from "./errors.ts";
import { type ExchangeEvent, type ExchangeEventBy, exchangeNotices } from "./exchange-notices.ts";
import { coordinatesExchange } from "./exchange-scope.ts";
import { idSchema } from "./ids.ts";
import type { InboxDelivery } from "./inbox.ts";
import { MAX_LEGS, MAX_TRANSACTION_ITEMS, minutesSchema, type PostingPlan } from "./ledger.ts";
import {
  IdempotencyRecordExistsError,
  PreconditionFailedError,
  TransferExistsError,
} from "./ledger-errors.ts";
import type { RecordBuilder } from "./ledger-idempotency.ts";
import { postTransfer } from "./ledger-posting.ts";
import { coordinatesArea, type Member, memberKinds } from "./member.ts";
import { requireArea, requireCoordinator } from "./membership.ts";
import type { Page, PageRequest } from "./paging.ts";
import type { Deps } from "./ports.ts";
import { isSensitiveCategory } from "./post.ts";
import { refuseSelfDealing } from "./power.ts";
import { blockedEitherWay, requireVerified } from "./safeguarding.ts";
import { withArticle } from "./words.ts";

/**
 * Exchanges: one provider gives time to one receiver (or to a group: a workshop; or several
 * providers help one receiver), and the ledger settles it hour for hour.
 *
 *   proposed --accept (every counterpart)--> accepted --complete (the provider logs minutes; with
 *     several providers, each logs their own and the last one completes it)--> completed
 *   completed --confirm (every receiver) | auto after 14 days | coordinator--> settled
 *   proposed --decline--> declined;  proposed|accepted --cancel--> cancelled
 *   accepted|completed --dispute--> disputed --coordinator: settle | adjust | cancel--> settled | cancelled
 *
 * Every transition is a conditional write on the exchange's version, so two people acting at once
 * cannot both win, and settled, declined and cancelled exchanges never change again. Settling
 * writes the exchange and the ledger in one transaction. The other parties' inbox notices are
 * written in the same transaction as each change (see exchange-notices.ts).
 */
export const exchangeStatuses = [
  "proposed",
  "accepted",
  "completed",
  "disputed",
  "settled",
  "declined",
  "cancelled",
] as const;
export type ExchangeStatus = (typeof exchangeStatuses)[number];
export const terminalStatuses: readonly ExchangeStatus[] = ["settled", "declined", "cancelled"];
/** A completed exchange nobody confirms or disputes is confirmed by the schedule after this. */
export const AUTO_CONFIRM_DAYS = 14;

const reason = z.string().check(z.trim(), z.minLength(3), z.maxLength(500));

export const exchangePartySchema = z.object({
  memberId: z.string(),
  role: z.enum(["provider", "receiver"]),
  kind: z.enum(memberKinds),
  displayName: z.string(),
  area: z.string(),
});
export type ExchangeParty = z.infer<typeof exchangePartySchema>;

export const exchangeLegSchema = z.object({
  providerId: z.string(),
  receiverId: z.string(),
  agreedMinutes: z.int(),
  /** What the provider logged on completion (or a coordinator set when resolving). */
  actualMinutes: z.optional(z.int()),
});
export type ExchangeLeg = z.infer<typeof exchangeLegSchema>;

export const exchangeSchema = z.object({
  exchangeId: z.string(),
  status: z.enum(exchangeStatuses),
  parties: z.array(exchangePartySchema),
  legs: z.array(exchangeLegSchema),
  /** The party who proposed (their side needs no acceptance). */
  proposedBy: z.string(),
  category: z.string(),
  /** Work of a sensitive category, or about a sensitive post: verified members only. */
  sensitive: z.optional(z.boolean()),
  area: z.string(),
  postId: z.optional(z.string()),
  /** The accepted match this exchange came from, when it came from one. */
  matchId: z.optional(z.string()),
  description: z.optional(z.string()),
  acceptedBy: z.array(z.string()),
  confirmedBy: z.array(z.string()),
  /** Why it was declined or cancelled, when the party said. */
  statusReason: z.optional(z.string()),
  dispute: z.optional(z.object({ by: z.string(), reason: z.string(), at: z.iso.datetime() })),
  resolution: z.optional(
    z.object({
      by: z.string(),
      decision: z.enum(["settle", "adjust", "cancel", "auto-confirm"]),
      reason: z.optional(z.string()),
      at: z.iso.datetime(),
    }),
  ),
  /** The ledger transfer that settled it (always `X-<exchangeId>`). */
  transferId: z.optional(z.string()),
  settledMinutes: z.optional(z.int()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** When it entered its current status (auto-confirm counts from here). */
  statusAt: z.iso.datetime(),
  /** Who made the last change (member id, or "system"). */
  updatedBy: z.string(),
  version: z.int(),
});
export type Exchange = z.infer<typeof exchangeSchema>;

export const proposeExchangeSchema = z.strictObject({
  /** One provider and one or more receivers (a workshop), or several providers and one receiver. */
  providerIds: z.array(idSchema).check(z.minLength(1), z.maxLength(MAX_LEGS)),
  receiverIds: z.array(idSchema).check(z.minLength(1), z.maxLength(MAX_LEGS)),
  /** Agreed minutes per provider-receiver pair. */
  minutes: minutesSchema,
  /** A skill category id of the city (taken from the post once posts carry one). */
  category: z.string().check(z.maxLength(40)),
  /** Defaults to the (first) receiver's area. */
  area: z.optional(z.string().check(z.maxLength(60))),
  postId: z.optional(idSchema),
  /**
   * The accepted match this comes from (`<postId>_<candidateId>`): its two sides must be the
   * provider and the receiver, and `postId`, if given, its post or the counterpart's post.
   */
  matchId: z.optional(
    z.string().check(z.regex(/^[0-9A-Za-z-]{1,40}(_[0-9A-Za-z-]{1,40})?$/, "must be a match id")),
  ),
  description: z.optional(z.string().check(z.trim(), z.maxLength(500))),
});
export type ProposeExchange = z.infer<typeof proposeExchangeSchema>;

const legMinutesSchema = z
  .array(z.strictObject({ memberId: idSchema, minutes: minutesSchema }))
  .check(z.minLength(1), z.maxLength(MAX_LEGS));

export const transitionSchema = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("accept") }),
  z.strictObject({ action: z.literal("decline"), reason: z.optional(reason) }),
  z.strictObject({ action: z.literal("cancel"), reason: z.optional(reason) }),
  /** `minutes` for every pair, `legs` per counterpart (the member on the group's many side). */
  z.strictObject({
    action: z.literal("complete"),
    minutes: z.optional(minutesSchema),
    legs: z.optional(legMinutesSchema),
  }),
  z.strictObject({ action: z.literal("confirm") }),
  z.strictObject({ action: z.literal("dispute"), reason }),
]);
export type Transition = z.infer<typeof transitionSchema>;

export const resolutionSchema = z.discriminatedUnion("decision", [
  z.strictObject({ decision: z.literal("settle"), reason }),
  z.strictObject({
    decision: z.literal("adjust"),
    minutes: z.optional(minutesSchema),
    legs: z.optional(legMinutesSchema),
    reason,
  }),
  z.strictObject({ decision: z.literal("cancel"), reason }),
]);
export type Resolution = z.infer<typeof resolutionSchema>;

export const exchangePageSchema = z.object({
  items: z.array(exchangeSchema),
  nextCursor: z.optional(z.string()),
});

type ExchangeDeps = Pick<Deps, "members" | "exchanges" | "ledger" | "inbox" | "clock" | "ids" | "city">;
type ProposeDeps = ExchangeDeps & Pick<Deps, "matches" | "posts">;

const providers = (e: Exchange) => e.parties.filter((p) => p.role === "provider");
const receivers = (e: Exchange) => e.parties.filter((p) => p.role === "receiver");
const isParty = (e: Exchange, memberId: string) => e.parties.some((p) => p.memberId === memberId);
/** The parties who must accept: everyone on the side the proposer is not on. */
export const counterparts = (e: Exchange) => {
  const proposer = e.parties.find((p) => p.memberId === e.proposedBy);
  return e.parties.filter((p) => p.role !== proposer?.role);
};

/**
 * Checks the match an exchange is proposed from: one the proposer is a side of, accepted, between
 * exactly the exchange's provider and receiver (either way round), about the named post if any.
 * @throws NotFoundError when there is no such match or the proposer is not a side of it (the same
 * answer, so nobody learns of other people's matches); RuleViolationError otherwise.
 */
async function requireProposableMatch(
  deps: Pick<Deps, "matches">,
  request: ProposeExchange & { matchId: string },
  proposerId: string,
): Promise<void> {
  const match = await deps.matches.get(request.matchId);
  if (!match || (match.postOwnerId !== proposerId && match.candidateId !== proposerId)) {
    throw new NotFoundError("No such match", [
      { path: "matchId", message: "No match of yours with this id" },
    ]);
  }
  if (match.status !== "accepted") {
    throw new RuleViolationError(`An exchange comes from an accepted match; this one is ${match.status}`, [
      { path: "matchId", message: "The match has not been accepted" },
    ]);
  }
  const [providerId] = request.providerIds;
  const [receiverId] = request.receiverIds;
  const sides = [match.postOwnerId, match.candidateId];
  if (
    request.providerIds.length !== 1 ||
    request.receiverIds.length !== 1 ||
    !providerId ||
    !receiverId ||
    !sides.includes(providerId) ||
    !sides.includes(receiverId)
  ) {
    throw new RuleViolationError("An exchange from a match is between the match's two sides", [
      { path: "matchId", message: "The provider and the receiver must be the two sides of this match" },
    ]);
  }
  if (
    request.postId !== undefined &&
    request.postId !== match.postId &&
    request.postId !== match.counterpartPostId
  ) {
    throw new RuleViolationError("The post is not the one the match is about", [
      { path: "postId", message: "Must be the match's post or the counterpart's post" },
    ]);
  }
}

/**
 * A resident (or a coordinator or organisation admin for them) proposes an exchange directly, or
 * from an accepted match (`matchId`). The proposer must be a party; in a group exchange, the one
 * on the single side. The counterparts find the proposal in their inbox.
 * @throws ValidationError naming the field (unknown category, area or member, or a member blocked
 * either way, answered alike; a member on both sides or twice); VerificationRequiredError naming
 * the party when sensitive work involves a member who is not verified; SelfDealingError when
 * someone acting for a party would arrange it with their own account; RuleViolationError when
 * the proposer takes no part, or the match is not accepted or not between the two parties;
 * NotFoundError when the match is missing or not theirs.
 */
export async function proposeExchange(
  deps: ProposeDeps,
  acting: Acting,
  request: ProposeExchange,
): Promise<Exchange> {
  const { city } = deps;
  if (!city.skills.some((s) => s.id === request.category)) {
    throw new ValidationError("Unknown category", [
      { path: "category", message: `Must be one of: ${city.skills.map((s) => s.id).join(", ")}` },
    ]);
  }
  if (request.area !== undefined) requireArea(city, request.area);
  if (request.providerIds.length > 1 && request.receiverIds.length > 1) {
    throw new ValidationError("A group exchange has one provider or one receiver", [
      { path: "receiverIds", message: "With several providers there is exactly one receiver" },
    ]);
  }
  const sides = [
    ["providerIds", request.providerIds],
    ["receiverIds", request.receiverIds],
  ] as const;
  const seen = new Set<string>();
  for (const [field, ids] of sides) {
    ids.forEach((id, index) => {
      if (seen.has(id)) {
        throw new ValidationError("A member appears twice", [
          {
            path: `${field}.${index}`,
            message: request.providerIds.includes(id)
              ? "The payer and the payee are the same member"
              : "Listed twice",
          },
        ]);
      }
      seen.add(id);
    });
  }
  const subjectId = acting.subject.memberId;
  const proposerSide = request.providerIds.includes(subjectId)
    ? request.providerIds
    : request.receiverIds.includes(subjectId)
      ? request.receiverIds
      : undefined;
  if (!proposerSide) throw new RuleViolationError("You can only propose an exchange you take part in");
  if (proposerSide.length > 1) {
    throw new RuleViolationError("In a group exchange, the single provider or receiver proposes it");
  }
  const parties: ExchangeParty[] = [];
  const partyMembers: { member: Member; path: string }[] = [];
  for (const [field, ids] of sides) {
    const members = await Promise.all(ids.map((id) => deps.members.get(id)));
    members.forEach((member, index) => {
      // A block between the proposer and a counterpart gets the answer a missing member gets, so
      // the blocked side never learns of it. (The proposer is on the single side: every leg has them.)
      if (
        member?.status !== "active" ||
        (member.memberId !== subjectId && blockedEitherWay(member, acting.subject))
      ) {
        throw new ValidationError("Not an active member", [
          { path: `${field}.${index}`, message: "No active member with this id" },
        ]);
      }
      partyMembers.push({ member, path: `${field}.${index}` });
      parties.push({
        memberId: member.memberId,
        role: field === "providerIds" ? "provider" : "receiver",
        kind: member.kind,
        displayName: member.displayName,
        area: member.area,
      });
    });
  }
  if (acting.actor.memberId !== subjectId) {
    // Acting for one side, nobody arranges an exchange with themselves on the other.
    for (const { member, path } of partyMembers) {
      if (member.memberId !== subjectId) {
        refuseSelfDealing(
          acting.actor,
          member,
          "arranges an exchange with themselves for someone else",
          path,
        );
      }
    }
  }
  const post = request.postId ? await deps.posts.get(request.postId) : undefined;
  const sensitive = isSensitiveCategory(city, request.category) || post?.sensitive === true;
  if (sensitive) {
    for (const { member, path } of partyMembers) {
      requireVerified(member, path, member.memberId === acting.actor.memberId);
    }
  }
  if (request.matchId !== undefined) {
    await requireProposableMatch(deps, { ...request, matchId: request.matchId }, subjectId);
  }
  const legs: ExchangeLeg[] = request.providerIds.flatMap((providerId) =>
    request.receiverIds.map((receiverId) => ({ providerId, receiverId, agreedMinutes: request.minutes })),
  );
  const now = deps.clock.now().toISOString();
  const exchange: Exchange = {
    exchangeId: deps.ids.next(),
    status: "proposed",
    parties,
    legs,
    proposedBy: subjectId,
    category: request.category,
    ...(sensitive ? { sensitive } : {}),
    area: request.area ?? parties.find((p) => p.role === "receiver")?.area ?? acting.subject.area,
    ...(request.postId ? { postId: request.postId } : {}),
    ...(request.matchId ? { matchId: request.matchId } : {}),
    ...(request.description ? { description: request.description } : {}),
    acceptedBy: [],
    confirmedBy: [],
    createdAt: now,
    updatedAt: now,
    statusAt: now,
    updatedBy: acting.actor.memberId,
    version: 1,
  };
  await deps.exchanges.create(exchange, exchangeNotices(deps, exchange, "proposed", { party: subjectId }));
  return exchange;
}

/**
 * Refuses a step that would benefit the actor: any of the parties is their own account (their
 * own, or an organisation they run).
 * @throws SelfDealingError
 */
async function refuseOwnParties(
  deps: Pick<Deps, "members">,
  actor: Member,
  parties: readonly ExchangeParty[],
  what: string,
): Promise<void> {
  if (parties.some((p) => p.memberId === actor.memberId)) refuseSelfDealing(actor, actor, what);
  const organisations = parties.filter((p) => p.kind === "organisation").map((p) => p.memberId);
  if (organisations.length === 0) return;
  for (const organisation of (await deps.members.getMany(organisations)).values()) {
    refuseSelfDealing(actor, organisation, what);
  }
}

/**
 * Whether the caller may see the exchange: a party (or someone acting for one), or a coordinator
 * of its area or of any party's area.
 */
function mayView(acting: Acting, exchange: Exchange): boolean {
  return isParty(exchange, acting.subject.memberId) || coordinatesExchange(acting.actor, exchange);
}

/**
 * The exchange, if the caller may see it.
 * @throws NotFoundError when it does not exist or is not theirs to see (the same answer for both).
 */
export async function getExchange(
  deps: Pick<Deps, "exchanges">,
  acting: Acting,
  exchangeId: string,
): Promise<Exchange> {
  const exchange = await deps.exchanges.get(exchangeId);
  if (!exchange || !mayView(acting, exchange)) throw new NotFoundError("No such exchange");
  return exchange;
}

/** The exchanges of the member acted for, newest first. */
export function listMyExchanges(
  deps: Pick<Deps, "exchanges">,
  acting: Acting,
  page: PageRequest,
): Promise<Page<Exchange>> {
  return deps.exchanges.listForParty(acting.subject.memberId, page);
}

function wrongState(exchange: Exchange, action: string): RuleViolationError {
  return new RuleViolationError(`${withArticle(exchange.status, true)} exchange cannot be ${action}`);
}

/**
 * Minutes per leg from a completion or an adjustment: `minutes` for all, `legs` overriding per
 * counterpart on the group's many side.
 * @throws ValidationError naming the field.
 */
function minutesPerLeg(
  exchange: Exchange,
  body: { minutes?: number | undefined; legs?: { memberId: string; minutes: number }[] | undefined },
): ExchangeLeg[] {
  const many = providers(exchange).length > 1 ? "providerId" : "receiverId";
  const overrides = new Map<string, number>();
  body.legs?.forEach((leg, index) => {
    if (!exchange.legs.some((l) => l[many] === leg.memberId) || overrides.has(leg.memberId)) {
      throw new ValidationError("Unknown or repeated member in legs", [
        { path: `legs.${index}.memberId`, message: "Not a counterpart in this exchange, or listed twice" },
      ]);
    }
    overrides.set(leg.memberId, leg.minutes);
  });
  return exchange.legs.map((leg) => {
    const minutes = overrides.get(leg[many]) ?? body.minutes;
    if (minutes === undefined) {
      throw new ValidationError("Minutes are required", [
        { path: "minutes", message: "Give the minutes for every pair, or per member in legs" },
      ]);
    }
    return { ...leg, actualMinutes: minutes };
  });
}

/**
 * In a group of several providers, one provider's record of their own minutes.
 * @throws ForbiddenError when they name another provider; RuleViolationError when they have
 * recorded theirs already; ValidationError without minutes.
 */
function ownLegRecorded(
  exchange: Exchange,
  providerId: string,
  body: { minutes?: number | undefined; legs?: { memberId: string; minutes: number }[] | undefined },
): ExchangeLeg[] {
  body.legs?.forEach((leg, index) => {
    if (leg.memberId !== providerId) {
      throw new ForbiddenError("Each provider records only their own minutes", [
        { path: `legs.${index}.memberId`, message: "Another provider records their own minutes" },
      ]);
    }
  });
  if (exchange.legs.some((leg) => leg.providerId === providerId && leg.actualMinutes !== undefined)) {
    throw new RuleViolationError("You have already recorded your minutes; dispute them to change them");
  }
  const minutes = body.legs?.[0]?.minutes ?? body.minutes;
  if (minutes === undefined) {
    throw new ValidationError("Minutes are required", [
      { path: "minutes", message: "Give the minutes you gave" },
    ]);
  }
  return exchange.legs.map((leg) =>
    leg.providerId === providerId ? { ...leg, actualMinutes: minutes } : leg,
  );
}

/**
 * Applies a party's transition to an exchange (pure).
 * @returns the next state, and whether it must be settled on the ledger now.
 * @throws ForbiddenError when the member's role does not allow the action; RuleViolationError when
 * the status does not; ValidationError for bad minutes.
 */
export function applyTransition(
  exchange: Exchange,
  memberId: string,
  transition: Transition,
  at: string,
  actorId: string,
): { next: Exchange; settle: boolean } {
  const base = { updatedAt: at, updatedBy: actorId, version: exchange.version + 1 };
  const moved = (status: ExchangeStatus, changes: Partial<Exchange> = {}): Exchange => ({
    ...exchange,
    ...changes,
    ...base,
    status,
    statusAt: status === exchange.status ? exchange.statusAt : at,
  });
  const party = exchange.parties.find((p) => p.memberId === memberId);
  if (!party) throw new ForbiddenError("Only the parties to an exchange can do this");
  switch (transition.action) {
    case "accept": {
      if (exchange.status !== "proposed") throw wrongState(exchange, "accepted");
      const waiting = counterparts(exchange).map((p) => p.memberId);
      if (!waiting.includes(memberId)) throw new ForbiddenError("The proposer's side does not accept");
      if (exchange.acceptedBy.includes(memberId)) throw new RuleViolationError("You have already accepted");
      const acceptedBy = [...exchange.acceptedBy, memberId];
      const all = waiting.every((id) => acceptedBy.includes(id));
      return { next: moved(all ? "accepted" : "proposed", { acceptedBy }), settle: false };
    }
    case "decline": {
      if (exchange.status !== "proposed") throw wrongState(exchange, "declined");
      if (!counterparts(exchange).some((p) => p.memberId === memberId)) {
        throw new ForbiddenError("The proposer cancels rather than declines");
      }
      return {
        next: moved("declined", transition.reason ? { statusReason: transition.reason } : {}),
        settle: false,
      };
    }
    case "cancel": {
      if (exchange.status !== "proposed" && exchange.status !== "accepted") {
        throw wrongState(exchange, "cancelled");
      }
      if (exchange.legs.some((leg) => leg.actualMinutes !== undefined)) {
        throw new RuleViolationError("Time has been given and recorded: dispute the exchange instead");
      }
      return {
        next: moved("cancelled", transition.reason ? { statusReason: transition.reason } : {}),
        settle: false,
      };
    }
    case "complete": {
      if (exchange.status !== "accepted") throw wrongState(exchange, "completed");
      if (party.role !== "provider") throw new ForbiddenError("The provider logs the minutes given");
      if (providers(exchange).length > 1) {
        // Several providers: each records their own leg; it completes when every leg has been.
        const legs = ownLegRecorded(exchange, memberId, transition);
        const all = legs.every((leg) => leg.actualMinutes !== undefined);
        return { next: moved(all ? "completed" : "accepted", { legs }), settle: false };
      }
      return { next: moved("completed", { legs: minutesPerLeg(exchange, transition) }), settle: false };
    }
    case "confirm": {
      if (exchange.status !== "completed") throw wrongState(exchange, "confirmed");
      if (party.role !== "receiver") throw new ForbiddenError("The receiver confirms the minutes");
      if (exchange.confirmedBy.includes(memberId)) throw new RuleViolationError("You have already confirmed");
      const confirmedBy = [...exchange.confirmedBy, memberId];
      const all = receivers(exchange).every((p) => confirmedBy.includes(p.memberId));
      return all
        ? { next: settledState(moved("settled", { confirmedBy })), settle: true }
        : { next: moved("completed", { confirmedBy }), settle: false };
    }
    case "dispute": {
      if (exchange.status !== "accepted" && exchange.status !== "completed") {
        throw wrongState(exchange, "disputed");
      }
      return {
        next: moved("disputed", { dispute: { by: memberId, reason: transition.reason, at } }),
        settle: false,
      };
    }
  }
}

/** The settled state's ledger fields: the transfer id and the minutes settled. */
function settledState(next: Exchange): Exchange {
  return {
    ...next,
    transferId: `X-${next.exchangeId}`,
    settledMinutes: next.legs.reduce((sum, l) => sum + (l.actualMinutes ?? l.agreedMinutes), 0),
  };
}

/** The items a settlement's transaction writes before any notice: transfer, exchange, record, books, lines. */
function postingItems(plan: PostingPlan, withIdempotency: boolean): number {
  return 2 + (withIdempotency ? 1 : 0) + plan.books.length + plan.lines.length;
}

/**
 * Settles an exchange: its legs (receiver pays provider), its new state and the parties' notices
 * in one transaction. A large group's notices may not all fit in DynamoDB's 100 items: those that
 * do not are delivered right after, under the same dedupe keys.
 * @throws LimitExceededError; PreconditionFailedError when the exchange changed meanwhile.
 */
async function settle(
  deps: ExchangeDeps,
  exchange: Exchange,
  next: Exchange,
  createdBy: string,
  onBehalfOf: string | undefined,
  record: RecordBuilder,
  notices: readonly InboxDelivery[],
): Promise<Exchange> {
  const account = (memberId: string) => {
    const party = exchange.parties.find((p) => p.memberId === memberId);
    return { accountId: memberId, kind: party?.kind ?? "person" };
  };
  let late: readonly InboxDelivery[] = [];
  await postTransfer(
    deps,
    {
      transferId: next.transferId ?? `X-${exchange.exchangeId}`,
      kind: "exchange",
      legs: next.legs.map((leg) => ({
        from: account(leg.receiverId),
        to: account(leg.providerId),
        minutes: leg.actualMinutes ?? leg.agreedMinutes,
      })),
      createdBy,
      ...(onBehalfOf && onBehalfOf !== createdBy ? { onBehalfOf } : {}),
      exchangeId: exchange.exchangeId,
      category: exchange.category,
      area: exchange.area,
      ...(exchange.description ? { memo: exchange.description.slice(0, 200) } : {}),
    },
    (plan) => {
      const idempotency = record({ status: 200, body: next });
      const room = Math.max(0, Math.floor((MAX_TRANSACTION_ITEMS - postingItems(plan, !!idempotency)) / 2));
      late = notices.slice(room);
      return {
        exchange: { next, expectedVersion: exchange.version },
        ...(idempotency ? { idempotency } : {}),
        notices: notices.slice(0, room),
      };
    },
  );
  for (const { notification, dedupeKey } of late) await deps.inbox.deliver(notification, dedupeKey);
  return next;
}

const MAX_EXCHANGE_ATTEMPTS = 8;

/** The event a party's action is, as the other parties hear of it (unless it settles the exchange). */
const transitionEvents: Record<Transition["action"], ExchangeEvent> = {
  accept: "accepted",
  decline: "declined",
  cancel: "cancelled",
  complete: "completed",
  confirm: "confirmed",
  dispute: "disputed",
};

/** The steps that agree or settle what moves on the ledger. */
const creditSteps = new Set<Transition["action"]>(["accept", "complete", "confirm"]);

/**
 * A party (or someone acting for them) moves an exchange along: accept, decline, cancel, complete,
 * confirm (settling it when the last receiver confirms) or dispute.
 * @throws NotFoundError when the caller may not see it; ForbiddenError when they may see it but
 * are not the right party; SelfDealingError when someone acting for a party would agree or settle
 * with their own account; VerificationRequiredError accepting sensitive work unverified;
 * RuleViolationError for a wrong state; LimitExceededError when settlement would cross a limit.
 */
export async function transitionExchange(
  deps: ExchangeDeps,
  acting: Acting,
  exchangeId: string,
  transition: Transition,
  record: RecordBuilder,
): Promise<Exchange> {
  for (let attempt = 0; attempt < MAX_EXCHANGE_ATTEMPTS; attempt++) {
    const exchange = await getExchange(deps, acting, exchangeId);
    if (!isParty(exchange, acting.subject.memberId)) {
      throw new ForbiddenError("Only the parties to an exchange can do this; coordinators resolve disputes");
    }
    if (acting.actor.memberId !== acting.subject.memberId && creditSteps.has(transition.action)) {
      // Acting for one party, nobody agrees, logs or confirms minutes that pay themselves.
      await refuseOwnParties(
        deps,
        acting.actor,
        exchange.parties.filter((p) => p.memberId !== acting.subject.memberId),
        "agrees or settles an exchange with themselves for someone else",
      );
    }
    if (
      transition.action === "accept" &&
      (exchange.sensitive === true || isSensitiveCategory(deps.city, exchange.category))
    ) {
      requireVerified(acting.subject, "action", acting.actor.memberId === acting.subject.memberId);
    }
    const at = deps.clock.now().toISOString();
    const { next, settle: settleNow } = applyTransition(
      exchange,
      acting.subject.memberId,
      transition,
      at,
      acting.actor.memberId,
    );
    const event: ExchangeEvent = settleNow ? "settled" : transitionEvents[transition.action];
    const notices = exchangeNotices(deps, next, event, { party: acting.subject.memberId });
    if (settleNow) {
      try {
        return await settle(
          deps,
          exchange,
          next,
          acting.actor.memberId,
          acting.subject.memberId,
          record,
          notices,
        );
      } catch (error) {
        if (error instanceof PreconditionFailedError || error instanceof TransferExistsError) continue;
        throw error;
      }
    }
    const result = await deps.exchanges.update(
      next,
      exchange.version,
      record({ status: 200, body: next }),
      notices,
    );
    if (result === "updated") return next;
    if (result === "idempotency-exists")
      throw new IdempotencyRecordExistsError("Completed by an earlier request");
  }
  throw new ConflictError("The exchange is changing too fast; reload and try again");
}

/**
 * A coordinator in scope resolves a disputed exchange (or confirms a completed one): settle as
 * logged, adjust the minutes and settle, or cancel.
 * @throws ForbiddenError for non-coordinators, and for coordinators of a party's area who do not
 * coordinate the exchange's own; NotFoundError out of scope; SelfDealingError when the coordinator
 * (or an organisation they run) is a party; RuleViolationError when the exchange is not disputed
 * or completed.
 */
export async function resolveExchange(
  deps: ExchangeDeps,
  actor: Member,
  exchangeId: string,
  resolution: Resolution,
  record: RecordBuilder,
): Promise<Exchange> {
  requireCoordinator(actor);
  for (let attempt = 0; attempt < MAX_EXCHANGE_ATTEMPTS; attempt++) {
    const exchange = await deps.exchanges.get(exchangeId);
    if (!exchange || !coordinatesExchange(actor, exchange)) throw new NotFoundError("No such exchange");
    // A coordinator of a party's area sees it (and hears of its dispute); resolving it is for
    // those who coordinate the exchange's own area.
    if (!coordinatesArea(actor, exchange.area)) {
      throw new ForbiddenError(`Only a coordinator for ${exchange.area} can resolve this exchange`);
    }
    await refuseOwnParties(deps, actor, exchange.parties, "resolves an exchange they take part in");
    if (exchange.status !== "disputed" && exchange.status !== "completed") {
      throw wrongState(exchange, "resolved");
    }
    const at = deps.clock.now().toISOString();
    const base: Exchange = {
      ...exchange,
      updatedAt: at,
      updatedBy: actor.memberId,
      version: exchange.version + 1,
      statusAt: at,
      resolution: { by: actor.memberId, decision: resolution.decision, reason: resolution.reason, at },
    };
    const by: ExchangeEventBy = { coordinatorName: actor.displayName };
    if (resolution.decision === "cancel") {
      const next: Exchange = { ...base, status: "cancelled" };
      const result = await deps.exchanges.update(
        next,
        exchange.version,
        record({ status: 200, body: next }),
        exchangeNotices(deps, next, "resolved", by),
      );
      if (result === "updated") return next;
      if (result === "idempotency-exists")
        throw new IdempotencyRecordExistsError("Completed by an earlier request");
      continue;
    }
    const legs =
      resolution.decision === "adjust"
        ? minutesPerLeg(exchange, resolution)
        : exchange.legs.map((l) => ({ ...l, actualMinutes: l.actualMinutes ?? l.agreedMinutes }));
    const next = settledState({ ...base, status: "settled", legs });
    try {
      return await settle(
        deps,
        exchange,
        next,
        actor.memberId,
        undefined,
        record,
        exchangeNotices(deps, next, "resolved", by),
      );
    } catch (error) {
      if (error instanceof PreconditionFailedError || error instanceof TransferExistsError) continue;
      throw error;
    }
  }
  throw new ConflictError("The exchange is changing too fast; reload and try again");
}

/**
 * Confirms every exchange completed more than 14 days ago that nobody confirmed or disputed.
 * One failure (say, a receiver at their credit limit) does not stop the others.
 */
export async function autoConfirmExchanges(
  deps: ExchangeDeps,
): Promise<{ settled: string[]; failed: { exchangeId: string; reason: string }[] }> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - AUTO_CONFIRM_DAYS * 24 * 3600 * 1000).toISOString();
  const settled: string[] = [];
  const failed: { exchangeId: string; reason: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.exchanges.listIdsByStatus("completed", cutoff, { limit: 50, cursor });
    for (const exchangeId of page.items) {
      try {
        const exchange = await deps.exchanges.get(exchangeId);
        if (exchange?.status !== "completed" || exchange.statusAt > cutoff) continue;
        const at = deps.clock.now().toISOString();
        const next = settledState({
          ...exchange,
          status: "settled",
          confirmedBy: receivers(exchange).map((p) => p.memberId),
          resolution: { by: "system", decision: "auto-confirm", at },
          updatedAt: at,
          statusAt: at,
          updatedBy: "system",
          version: exchange.version + 1,
        });
        const notices = exchangeNotices(deps, next, "settled", "system");
        await settle(deps, exchange, next, "system", undefined, () => undefined, notices);
        settled.push(exchangeId);
      } catch (error) {
        failed.push({ exchangeId, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { settled, failed };
}
