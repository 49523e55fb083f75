import * as z from "../zod.ts";
import type { Acting } from "./acting.ts";
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from "./errors.ts";
import { idSchema } from "./ids.ts";
import {
  type AccountKind,
  MAX_LEGS,
  MAX_TRANSFER_MINUTES,
  minutesSchema,
  POT_ACCOUNT_ID,
  type Transfer,
} from "./ledger.ts";
import { TransferExistsError } from "./ledger-errors.ts";
import {
  type IdempotencyContext,
  idFromKey,
  runIdempotent,
  type StoredResponse,
} from "./ledger-idempotency.ts";
import { postTransfer, type TransferRequest } from "./ledger-posting.ts";
import { coordinatesArea, type Member } from "./member.ts";
import { requireCoordinator } from "./membership.ts";
import type { Deps } from "./ports.ts";
import { isOwnAccount, mayManage, refuseSelfDealing } from "./power.ts";
import { withArticle } from "./words.ts";

/**
 * Credit moves outside exchanges: organisations' awards to volunteers, spending at venues,
 * donations to and welcome credits from the community pot, a coordinator's reversal, and direct
 * payments. Every one takes an idempotency key; its transfer id is derived from the key (or, for a
 * reversal, from the transfer reversed), so even past the key's retention nothing posts twice.
 */
type CreditDeps = Pick<Deps, "ledger" | "clock" | "city" | "members" | "activities">;

const memo = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
const reason = z.string().check(z.trim(), z.minLength(3), z.maxLength(200));

export const awardSchema = z.strictObject({
  volunteers: z
    .array(z.strictObject({ memberId: idSchema, minutes: minutesSchema }))
    .check(z.minLength(1), z.maxLength(MAX_LEGS)),
  memo: z.optional(memo),
});
export const donationSchema = z.strictObject({ minutes: minutesSchema, memo: z.optional(memo) });
export const grantSchema = z.strictObject({ memberId: idSchema, minutes: minutesSchema, reason });
export const reversalSchema = z.strictObject({ reason });

function accountOf(member: Member): { accountId: string; kind: AccountKind } {
  return { accountId: member.memberId, kind: member.kind };
}
const pot = { accountId: POT_ACCOUNT_ID, kind: "pot" as const };

/** Posts a keyed transfer once and answers 201 with it (or the stored answer on a retry). */
function keyedTransfer(
  deps: CreditDeps,
  context: IdempotencyContext,
  request: Omit<TransferRequest, "transferId">,
  transferId: string = idFromKey("K", context.scope, context.key),
): Promise<StoredResponse> {
  return runIdempotent(deps, context, async (record) => {
    const plan = await postTransfer(deps, { ...request, transferId }, (p) => ({
      idempotency: record({ status: 201, body: p.transfer }),
    }));
    return { status: 201, body: plan.transfer };
  });
}

async function activeMember(deps: Pick<Deps, "members">, memberId: string, path: string): Promise<Member> {
  const member = await deps.members.get(memberId);
  if (member?.status !== "active") {
    throw new ValidationError("Not an active member", [{ path, message: "No active member with this id" }]);
  }
  return member;
}

/**
 * An organisation awards credits to volunteers, all legs in one transaction, within its issuance
 * quota (its credit limit, set by an admin).
 * @throws NotFoundError when the subject is not an organisation; ValidationError for an unknown,
 * inactive or repeated volunteer; SelfDealingError when the one awarding is among the volunteers;
 * LimitExceededError beyond the quota.
 */
export async function awardCredits(
  deps: CreditDeps,
  acting: Acting,
  request: z.infer<typeof awardSchema>,
  context: IdempotencyContext,
): Promise<StoredResponse> {
  const organisation = acting.subject;
  if (organisation.kind !== "organisation") throw new NotFoundError("No such organisation");
  const seen = new Set<string>();
  const volunteers = await Promise.all(
    request.volunteers.map(async (v, index) => {
      const path = `volunteers.${index}.memberId`;
      if (seen.has(v.memberId) || v.memberId === organisation.memberId) {
        throw new ValidationError("Each volunteer once, and not the organisation itself", [
          { path, message: "Repeated, or the organisation itself" },
        ]);
      }
      seen.add(v.memberId);
      const member = await activeMember(deps, v.memberId, path);
      if (member.kind !== "person") {
        throw new ValidationError("Volunteers are people", [{ path, message: "Not a person" }]);
      }
      refuseSelfDealing(acting.actor, member, "awards credits", path);
      return { member, minutes: v.minutes };
    }),
  );
  return keyedTransfer(deps, context, {
    kind: "award",
    legs: volunteers.map((v) => ({
      from: accountOf(organisation),
      to: accountOf(v.member),
      minutes: v.minutes,
    })),
    createdBy: acting.actor.memberId,
    onBehalfOf: organisation.memberId,
    area: organisation.area,
    ...(request.memo ? { memo: request.memo } : {}),
  });
}

/**
 * A resident (or a coordinator for them) spends credits on an activity at a venue.
 * @throws NotFoundError for an unknown activity; SelfDealingError when someone acting for the
 * member runs the venue; ValidationError when the total exceeds a transfer's cap or the venue
 * would pay itself; LimitExceededError without enough credit.
 */
export async function redeemActivity(
  deps: CreditDeps,
  acting: Acting,
  activityId: string,
  places: number,
  context: IdempotencyContext,
): Promise<StoredResponse> {
  const activity = await deps.activities.get(activityId);
  if (!activity) throw new NotFoundError("No such activity");
  const minutes = activity.minutes * places;
  if (minutes > MAX_TRANSFER_MINUTES) {
    throw new ValidationError("Too many places at once", [
      { path: "places", message: `At most ${MAX_TRANSFER_MINUTES} minutes per redemption` },
    ]);
  }
  if (activity.venueId === acting.subject.memberId) {
    throw new ValidationError("A venue cannot pay itself", [
      { path: "activityId", message: "The payer and the payee are the same account" },
    ]);
  }
  if (acting.actor.memberId !== acting.subject.memberId) {
    // Spending someone else's credits at a venue one runs would pay oneself.
    const venue = await deps.members.get(activity.venueId);
    if (venue) refuseSelfDealing(acting.actor, venue, "spends a member's credits at a venue", "activityId");
  }
  return keyedTransfer(deps, context, {
    kind: "redemption",
    legs: [
      {
        from: accountOf(acting.subject),
        to: { accountId: activity.venueId, kind: "organisation" },
        minutes,
      },
    ],
    createdBy: acting.actor.memberId,
    onBehalfOf: acting.subject.memberId,
    activityId,
    ...(activity.category ? { category: activity.category } : {}),
    area: activity.area,
    memo: `${activity.title}${places > 1 ? ` x${places}` : ""}`.slice(0, 200),
  });
}

/**
 * A member gives credits to the community pot.
 * @throws LimitExceededError without enough credit.
 */
export function donateToPot(
  deps: CreditDeps,
  acting: Acting,
  request: z.infer<typeof donationSchema>,
  context: IdempotencyContext,
): Promise<StoredResponse> {
  return keyedTransfer(deps, context, {
    kind: "donation",
    legs: [{ from: accountOf(acting.subject), to: pot, minutes: request.minutes }],
    createdBy: acting.actor.memberId,
    onBehalfOf: acting.subject.memberId,
    area: acting.subject.area,
    ...(request.memo ? { memo: request.memo } : {}),
  });
}

/**
 * A coordinator gives a member in scope credits from the pot (a welcome credit, a thank-you).
 * @throws ForbiddenError for non-coordinators; SelfDealingError for their own account (or an
 * organisation they run); NotFoundError out of scope; LimitExceededError when the pot lacks the credit.
 */
export async function grantFromPot(
  deps: CreditDeps,
  actor: Member,
  request: z.infer<typeof grantSchema>,
  context: IdempotencyContext,
): Promise<StoredResponse> {
  requireCoordinator(actor);
  const member = await deps.members.get(request.memberId);
  if (member) refuseSelfDealing(actor, member, "grants pot credits", "memberId");
  if (!member || !coordinatesArea(actor, member.area)) throw new NotFoundError("No such member");
  if (member.status !== "active")
    throw new RuleViolationError(`${withArticle(member.status, true)} member cannot receive credits`);
  return keyedTransfer(deps, context, {
    kind: "grant",
    legs: [{ from: pot, to: accountOf(member), minutes: request.minutes }],
    createdBy: actor.memberId,
    area: member.area,
    memo: request.reason,
  });
}

/**
 * A coordinator reverses a transfer with a new transfer of opposite legs on the same books; the
 * original is never modified. The coordinator needs scope over every member whose balance it
 * moves, and none of them may be their own. The reversal's id is derived from the original's, so
 * a second reversal cannot be written.
 * @throws NotFoundError when it does not exist or a member it moves is out of scope;
 * SelfDealingError when it moves the coordinator's own account; RuleViolationError for a
 * reversal of a reversal; ConflictError when it was already reversed; LimitExceededError when the
 * payee no longer has the credit.
 */
export async function reverseTransfer(
  deps: CreditDeps,
  actor: Member,
  transferId: string,
  request: z.infer<typeof reversalSchema>,
  context: IdempotencyContext,
): Promise<StoredResponse> {
  requireCoordinator(actor);
  return runIdempotent(deps, context, async (record) => {
    const original = await deps.ledger.getTransfer(transferId);
    if (!original) throw new NotFoundError("No such transfer");
    const ids = [...new Set(original.legs.flatMap((l) => [l.fromAccountId, l.toAccountId]))];
    // Scope over every member whose balance the reversal moves (the pot is the city's), not
    // only over the transfer's area: a venue in one's area does not bring its customers along.
    const moved = await deps.members.getMany(ids.filter((id) => id !== POT_ACCOUNT_ID));
    for (const id of ids) {
      const member = moved.get(id);
      if (id === POT_ACCOUNT_ID || (member && (isOwnAccount(actor, member) || mayManage(actor, member))))
        continue;
      throw new NotFoundError("No such transfer");
    }
    for (const member of moved.values()) refuseSelfDealing(actor, member, "reverses a transfer");
    if (original.kind === "reversal") throw new RuleViolationError("A reversal cannot itself be reversed");
    const { accounts } = await deps.ledger.read(ids, []);
    const kindOf = (id: string) => accounts.get(id)?.kind ?? "person";
    try {
      const plan = await postTransfer(
        deps,
        {
          transferId: reversalIdOf(original),
          kind: "reversal",
          legs: original.legs.map((l) => ({
            from: { accountId: l.toAccountId, kind: kindOf(l.toAccountId) },
            to: { accountId: l.fromAccountId, kind: kindOf(l.fromAccountId) },
            fromShard: l.toShard,
            toShard: l.fromShard,
            minutes: l.minutes,
          })),
          createdBy: actor.memberId,
          reverses: original.transferId,
          reversedKind: original.kind,
          ...(original.exchangeId ? { exchangeId: original.exchangeId } : {}),
          ...(original.activityId ? { activityId: original.activityId } : {}),
          ...(original.category ? { category: original.category } : {}),
          ...(original.area ? { area: original.area } : {}),
          memo: request.reason,
        },
        (p) => ({ idempotency: record({ status: 201, body: p.transfer }) }),
      );
      return { status: 201, body: plan.transfer };
    } catch (error) {
      if (error instanceof TransferExistsError)
        throw new ConflictError("This transfer has already been reversed");
      throw error;
    }
  });
}

export function reversalIdOf(original: Pick<Transfer, "transferId">): string {
  return `R-${original.transferId}`;
}

/**
 * A direct payment between two members. Not an HTTP route (a time bank settles through
 * exchanges); the benchmark and the ledger's concurrency and model tests drive the posting path
 * through it.
 */
export function makePayment(
  deps: CreditDeps,
  context: IdempotencyContext,
  payment: {
    from: { accountId: string; kind: AccountKind };
    to: { accountId: string; kind: AccountKind };
    minutes: number;
    createdBy: string;
    area?: string;
  },
): Promise<StoredResponse> {
  return keyedTransfer(deps, context, {
    kind: "payment",
    legs: [{ from: payment.from, to: payment.to, minutes: payment.minutes }],
    createdBy: payment.createdBy,
    ...(payment.area ? { area: payment.area } : {}),
  });
}
