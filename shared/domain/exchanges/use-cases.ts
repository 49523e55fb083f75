import type { Deps } from "#domain/deps.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationError,
} from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import { MAX_TRANSACTION_ITEMS, type PostingPlan } from "#domain/ledger/books.ts";
import {
  IdempotencyRecordExistsError,
  PreconditionFailedError,
  TransferExistsError,
} from "#domain/ledger/errors.ts";
import type { RecordBuilder } from "#domain/ledger/idempotency.ts";
import { postTransfer } from "#domain/ledger/posting.ts";
import type { Acting } from "#domain/membership/acting.ts";
import { coordinatesArea, type Member } from "#domain/membership/member.ts";
import { requireArea, requireCoordinator } from "#domain/membership/members.ts";
import { refuseSelfDealing } from "#domain/membership/power.ts";
import { blockedEitherWay, requireVerified } from "#domain/membership/safeguarding.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import { isSensitiveCategory } from "#domain/posts/post.ts";
import { changedBy, type Exchange, type ExchangeLeg, type ExchangeParty, isParty } from "./exchange.ts";
import { type ExchangeEvent, type ExchangeEventBy, exchangeNotices } from "./notices.ts";
import type { ProposeExchange, Resolution, StatementRequest, Transition } from "./requests.ts";
import { coordinatesExchange } from "./scope.ts";
import { applyTransition, minutesPerLeg, settledState, wrongState } from "./state-machine.ts";

export type ExchangeDeps = Pick<
  Deps,
  "members" | "exchanges" | "ledger" | "inbox" | "clock" | "ids" | "city"
>;
type ProposeDeps = ExchangeDeps & Pick<Deps, "matches" | "posts">;

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
    ...(acting.actor.memberId !== subjectId ? { updatedFor: subjectId } : {}),
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
export async function settle(
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
    const applied = applyTransition(exchange, acting.subject.memberId, transition, at, acting.actor.memberId);
    const next = changedBy(applied.next, acting.actor.memberId, acting.subject.memberId);
    const settleNow = applied.settle;
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
    const base: Exchange = changedBy(
      {
        ...exchange,
        updatedAt: at,
        version: exchange.version + 1,
        statusAt: at,
        resolution: { by: actor.memberId, decision: resolution.decision, reason: resolution.reason, at },
      },
      actor.memberId,
    );
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
 * A party of a disputed exchange (or a coordinator acting for them) gives their own account of it,
 * once, for the coordinator who decides; the other parties are told. Sending the same account
 * again answers the exchange as it is (a retry, a double click), and changes nothing.
 * @throws NotFoundError when the caller may not see the exchange; ForbiddenError when they may see
 * it but are not a party (a coordinator decides, they do not testify); SelfDealingError when
 * someone acting for a party is (or runs) another party; ConflictError when the party already
 * gave a different account; RuleViolationError when the exchange is not disputed.
 */
export async function addDisputeStatement(
  deps: ExchangeDeps,
  acting: Acting,
  exchangeId: string,
  request: StatementRequest,
): Promise<Exchange> {
  const partyId = acting.subject.memberId;
  for (let attempt = 0; attempt < MAX_EXCHANGE_ATTEMPTS; attempt++) {
    const exchange = await getExchange(deps, acting, exchangeId);
    if (!isParty(exchange, partyId)) {
      throw new ForbiddenError("Only the parties to a dispute give their account; coordinators decide");
    }
    if (acting.actor.memberId !== partyId) {
      // Acting for one party, nobody writes the account of a dispute they are the other side of.
      await refuseOwnParties(
        deps,
        acting.actor,
        exchange.parties.filter((p) => p.memberId !== partyId),
        "gives an account in a dispute with themselves for someone else",
      );
    }
    const given = exchange.statements?.find((s) => s.memberId === partyId);
    if (given) {
      if (given.text === request.text) return exchange;
      throw new ConflictError("This party has already given their account of the dispute", [
        { path: "text", message: "Each party gives one account" },
      ]);
    }
    if (exchange.status !== "disputed") {
      throw new RuleViolationError(
        `The parties give their accounts while an exchange is disputed; this one is ${exchange.status}`,
      );
    }
    const at = deps.clock.now().toISOString();
    const next: Exchange = changedBy(
      {
        ...exchange,
        statements: [
          ...(exchange.statements ?? []),
          { memberId: partyId, by: acting.actor.memberId, text: request.text, at },
        ],
        updatedAt: at,
        version: exchange.version + 1,
      },
      acting.actor.memberId,
      partyId,
    );
    const notices = exchangeNotices(deps, next, "statement", { party: partyId });
    const result = await deps.exchanges.update(next, exchange.version, undefined, notices);
    if (result === "updated") return next;
  }
  throw new ConflictError("The exchange is changing too fast; reload and try again");
}
