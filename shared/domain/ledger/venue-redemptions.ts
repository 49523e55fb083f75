import type { Deps } from "#domain/deps.ts";
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import { localDate } from "#domain/kernel/time.ts";
import type { Acting } from "#domain/membership/acting.ts";
import { refuseSelfDealing } from "#domain/membership/power.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import { noticeContent } from "#domain/notices/kinds.ts";
import { defaultLimits, MAX_TRANSFER_MINUTES, summarise, type Transfer } from "./books.ts";
import { redeemActivity } from "./credits.ts";
import {
  AccountFrozenError,
  LimitExceededError,
  PreconditionFailedError,
  TransferExistsError,
} from "./errors.ts";
import { type IdempotencyContext, idFromKey, runIdempotent, type StoredResponse } from "./idempotency.ts";
import {
  approvalTransferId,
  REDEMPTION_REQUEST_DAYS,
  type RecordRedemption,
  type RedemptionRequest,
  viewOf,
} from "./redemption-request.ts";

/**
 * A venue records at its counter what a member is about to spend; the member's credits move only
 * when the member (or a coordinator acting for them) approves it. A venue never takes credits out
 * of an account on its own say. The approval is the member's own keyed redemption, written in one
 * transaction with the request's change to "approved", so it pays once and never on a declined or
 * expired request.
 */

type RequestDeps = Pick<
  Deps,
  "ledger" | "clock" | "city" | "members" | "activities" | "inbox" | "ids" | "redemptionRequests"
>;

function requestedNotice(deps: Pick<Deps, "ids">, request: RedemptionRequest): InboxDelivery {
  return {
    notification: {
      notificationId: deps.ids.next(),
      memberId: request.memberId,
      ...noticeContent("redemption-requested", {
        requestId: request.requestId,
        venue: request.venueName,
        activity: request.activityTitle,
        places: request.places,
        minutes: request.minutes,
        expiresAt: request.expiresAt,
      }),
      link: "/balance",
      createdAt: request.createdAt,
    },
    dedupeKey: `redemption-requested#${request.requestId}`,
  };
}

function declinedNotice(deps: Pick<Deps, "ids" | "clock">, request: RedemptionRequest): InboxDelivery {
  return {
    notification: {
      notificationId: deps.ids.next(),
      memberId: request.createdBy,
      ...noticeContent("redemption-declined", {
        requestId: request.requestId,
        venueId: request.venueId,
        venue: request.venueName,
        member: request.memberName,
        activity: request.activityTitle,
        places: request.places,
        minutes: request.minutes,
      }),
      link: `/organisations/${request.venueId}`,
      createdAt: deps.clock.now().toISOString(),
    },
    dedupeKey: `redemption-declined#${request.requestId}`,
  };
}

/**
 * A venue's admin records a redemption for a member at the counter; nothing moves until the
 * member approves. Refused with nothing written when the member could not pay it now.
 * @throws NotFoundError when the subject is not an organisation; ValidationError for an activity
 * of another venue, too many minutes, or no active person with this number; SelfDealingError when
 * the member is the one recording (or an organisation they run); AccountFrozenError for a
 * suspended or closed member; LimitExceededError when balance and credit limit cannot cover it.
 */
export async function recordRedemptionRequest(
  deps: RequestDeps,
  acting: Acting,
  request: RecordRedemption,
  context: IdempotencyContext,
): Promise<StoredResponse> {
  const venue = acting.subject;
  if (venue.kind !== "organisation") throw new NotFoundError("No such organisation");
  const activity = await deps.activities.get(request.activityId);
  if (!activity || activity.venueId !== venue.memberId) {
    throw new ValidationError("Not an activity of this venue", [
      { path: "activityId", message: "This venue has published no activity with this id" },
    ]);
  }
  const minutes = activity.minutes * request.places;
  if (minutes > MAX_TRANSFER_MINUTES) {
    throw new ValidationError("Too many places at once", [
      { path: "places", message: `At most ${MAX_TRANSFER_MINUTES} minutes per redemption` },
    ]);
  }
  const member = await deps.members.get(request.memberId);
  if (member) refuseSelfDealing(acting.actor, member, "records a redemption", "memberId");
  if (member && (member.status === "suspended" || member.status === "closed")) {
    throw new AccountFrozenError(member.memberId);
  }
  if (member?.status !== "active" || member.kind !== "person") {
    throw new ValidationError("Not an active member", [
      { path: "memberId", message: "No active member with this number" },
    ]);
  }
  const state = await deps.ledger.readAccount(member.memberId);
  if (state?.books.some((b) => b.frozen)) throw new AccountFrozenError(member.memberId);
  const available = state
    ? summarise(state.books).balance + state.account.creditLimitMinutes
    : defaultLimits(deps.city, "person").creditLimit;
  if (minutes > available) {
    // Only that it cannot be covered: the venue learns nothing of the balance itself.
    throw new LimitExceededError(
      "The member does not have enough credit for this: nothing was recorded",
      { accountId: member.memberId, limit: "credit-limit" },
      [{ path: "places", message: "More than the member's balance and credit limit allow" }],
    );
  }
  const now = deps.clock.now();
  const entry: RedemptionRequest = {
    requestId: idFromKey("RQ", context.scope, context.key),
    venueId: venue.memberId,
    venueName: venue.displayName,
    memberId: member.memberId,
    memberName: member.displayName,
    activityId: activity.activityId,
    activityTitle: activity.title,
    places: request.places,
    minutes,
    status: "pending",
    day: localDate(now, deps.city.timezone),
    createdAt: now.toISOString(),
    createdBy: acting.actor.memberId,
    expiresAt: new Date(now.getTime() + REDEMPTION_REQUEST_DAYS * 24 * 3600 * 1000).toISOString(),
  };
  return runIdempotent(deps, context, async (record) => {
    const response = { status: 201, body: entry };
    const created = await deps.redemptionRequests.create(entry, {
      idempotency: record(response),
      notice: requestedNotice(deps, entry),
    });
    if (!created) throw new ConflictError("This redemption was already recorded");
    return response;
  });
}

async function ownRequest(
  deps: Pick<Deps, "redemptionRequests">,
  acting: Acting,
  requestId: string,
): Promise<RedemptionRequest> {
  const request = await deps.redemptionRequests.get(requestId);
  if (!request || request.memberId !== acting.subject.memberId) {
    throw new NotFoundError("No such redemption request");
  }
  return request;
}

function refuseUndecidable(request: RedemptionRequest, now: Date): void {
  const seen = viewOf(request, now);
  if (seen.status === "expired") {
    throw new RuleViolationError("This redemption request has expired: the venue can record it again");
  }
  if (seen.status === "declined") throw new ConflictError("This redemption request was declined");
}

/** An approved request's answer: its transfer. */
async function approvedAnswer(deps: Pick<Deps, "ledger">, requestId: string): Promise<StoredResponse> {
  const transfer: Transfer | undefined = await deps.ledger.getTransfer(approvalTransferId(requestId));
  if (!transfer) throw new ConflictError("This redemption request is being approved; try again");
  return { status: 201, body: transfer };
}

/**
 * The member (or a coordinator acting for them) approves a recorded redemption: their keyed
 * redemption at the venue, written with the request's change to "approved" in one transaction.
 * A second approval answers with the same transfer; nothing pays twice.
 * @throws NotFoundError for another member's or an unknown request; ConflictError when declined;
 * RuleViolationError when expired; LimitExceededError when the balance no longer covers it (the
 * request stays pending); AccountFrozenError for a frozen account.
 */
export async function approveRedemptionRequest(
  deps: RequestDeps,
  acting: Acting,
  requestId: string,
  context: IdempotencyContext,
): Promise<StoredResponse> {
  const request = await ownRequest(deps, acting, requestId);
  if (request.status === "approved") return approvedAnswer(deps, requestId);
  refuseUndecidable(request, deps.clock.now());
  try {
    return await redeemActivity(deps, acting, request.activityId, request.places, context, {
      transferId: approvalTransferId(requestId),
      approves: requestId,
    });
  } catch (error) {
    if (error instanceof TransferExistsError) return approvedAnswer(deps, requestId);
    if (!(error instanceof PreconditionFailedError)) throw error;
    // The request changed meanwhile (declined, or expired): answer as it now stands.
    const now = await ownRequest(deps, acting, requestId);
    if (now.status === "approved") return approvedAnswer(deps, requestId);
    refuseUndecidable(now, deps.clock.now());
    throw error;
  }
}

/**
 * The member (or a coordinator acting for them) declines a recorded redemption; the venue admin
 * who recorded it is told. Declining again answers the same.
 * @throws NotFoundError for another member's or an unknown request; ConflictError when approved;
 * RuleViolationError when expired.
 */
export async function declineRedemptionRequest(
  deps: RequestDeps,
  acting: Acting,
  requestId: string,
): Promise<RedemptionRequest> {
  const request = await ownRequest(deps, acting, requestId);
  const now = deps.clock.now();
  if (request.status === "pending") {
    refuseUndecidable(request, now);
    const decided = await deps.redemptionRequests.decline(requestId, {
      decidedAt: now.toISOString(),
      decidedBy: acting.actor.memberId,
    });
    if (!decided) return declineRedemptionRequest(deps, acting, requestId);
  } else if (request.status === "approved") {
    throw new ConflictError("This redemption request was approved: its credits have moved");
  }
  const declined = await ownRequest(deps, acting, requestId);
  // Told under a key, so a retried decline tells whoever an interrupted one did not, and nobody twice.
  const { notification, dedupeKey } = declinedNotice(deps, declined);
  await deps.inbox.deliver(notification, dedupeKey);
  return declined;
}

/** A member's recorded redemptions, newest first, as they stand now. */
export async function listMemberRedemptionRequests(
  deps: Pick<Deps, "redemptionRequests" | "clock">,
  acting: Acting,
  page: PageRequest,
): Promise<Page<RedemptionRequest>> {
  const now = deps.clock.now();
  const result = await deps.redemptionRequests.listForMember(acting.subject.memberId, page);
  return { ...result, items: result.items.map((r) => viewOf(r, now)) };
}

/**
 * A venue's recorded redemptions of one local day (today by default), newest first, for its
 * admins (and coordinators acting for it).
 * @throws NotFoundError when the subject is not an organisation.
 */
export async function listVenueRedemptionRequests(
  deps: Pick<Deps, "redemptionRequests" | "clock" | "city">,
  acting: Acting,
  day: string | undefined,
  page: PageRequest,
): Promise<Page<RedemptionRequest>> {
  if (acting.subject.kind !== "organisation") throw new NotFoundError("No such organisation");
  const now = deps.clock.now();
  const result = await deps.redemptionRequests.listForVenueDay(
    acting.subject.memberId,
    day ?? localDate(now, deps.city.timezone),
    page,
  );
  return { ...result, items: result.items.map((r) => viewOf(r, now)) };
}
