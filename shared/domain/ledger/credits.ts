import type { Deps } from "#domain/deps.ts";
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from "#domain/kernel/errors.ts";
import { idSchema } from "#domain/kernel/ids.ts";
import { withArticle } from "#domain/kernel/words.ts";
import type { Acting } from "#domain/membership/acting.ts";
import { coordinatesArea, type Member } from "#domain/membership/member.ts";
import { requireCoordinator } from "#domain/membership/members.ts";
import { isOwnAccount, mayManage, refuseSelfDealing } from "#domain/membership/power.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import * as z from "#shared/zod.ts";
import {
  type AccountKind,
  MAX_LEGS,
  MAX_TRANSACTION_ITEMS,
  MAX_TRANSFER_MINUTES,
  minutesSchema,
  POT_ACCOUNT_ID,
  type PostingPlan,
  type Transfer,
  transferSchema,
} from "./books.ts";
import { TransferExistsError } from "./errors.ts";
import {
  type IdempotencyContext,
  type IdempotencyRecord,
  idFromKey,
  type RecordBuilder,
  runIdempotent,
  type StoredResponse,
} from "./idempotency.ts";
import { type CreditMove, creditNotices } from "./notices.ts";
import type { PostingEffects } from "./ports.ts";
import { postTransfer, type TransferRequest } from "./posting.ts";

/**
 * Credit moves outside exchanges: organisations' awards to volunteers, spending at venues,
 * donations to and welcome credits from the community pot, a coordinator's reversal, and direct
 * payments. Every one takes an idempotency key; its transfer id is derived from the key (or, for a
 * reversal, from the transfer reversed), so even past the key's retention nothing posts twice.
 * Every member whose balance a move changes is told why (ledger-notices.ts), in the posting's
 * transaction when it has room.
 */
type CreditDeps = Pick<Deps, "ledger" | "clock" | "city" | "members" | "activities" | "inbox" | "ids">;

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

/** What a move's notices say besides the transfer itself: who did it, the names they mention. */
type NoticeContext = Omit<CreditMove, "transfer">;

/**
 * Splits a posting's notices into those that fit its transaction (two items each, after the
 * transfer, the idempotency record, the books and the lines) and those delivered right after.
 */
function fitNotices(plan: PostingPlan, others: number, notices: readonly InboxDelivery[]) {
  const used = 1 + others + plan.books.length + plan.lines.length;
  const room = Math.max(0, Math.floor((MAX_TRANSACTION_ITEMS - used) / 2));
  return { now: notices.slice(0, room), late: notices.slice(room) };
}

/** What a posting writes with it: the idempotency record, and the notices that fit. */
type EffectsOf = (plan: PostingPlan, idempotency: IdempotencyRecord | undefined) => PostingEffects;

/**
 * Runs a keyed posting and tells whoever's balance it moved. A fresh run delivers, after its
 * transaction, the notices that did not fit in it; a replay (the stored answer to a retry)
 * delivers them all again under their keys, so whoever an interrupted run did not tell is told
 * now, and nobody twice.
 */
async function postAndTell(
  deps: CreditDeps,
  context: IdempotencyContext,
  notice: NoticeContext,
  run: (effectsOf: EffectsOf, record: RecordBuilder) => Promise<StoredResponse>,
  extra: Pick<PostingEffects, "approves"> = {},
): Promise<StoredResponse> {
  let late: readonly InboxDelivery[] | undefined;
  const response = await runIdempotent(deps, context, async (record) => {
    let planned: readonly InboxDelivery[] = [];
    const result = await run((plan, idempotency) => {
      const all = creditNotices(deps, { ...notice, transfer: plan.transfer });
      const split = fitNotices(plan, (idempotency ? 1 : 0) + (extra.approves ? 1 : 0), all);
      planned = split.late;
      return { ...extra, ...(idempotency ? { idempotency } : {}), notices: split.now };
    }, record);
    late = planned;
    return result;
  });
  const pending = late ?? creditNotices(deps, { ...notice, transfer: transferSchema.parse(response.body) });
  for (const { notification, dedupeKey } of pending) await deps.inbox.deliver(notification, dedupeKey);
  return response;
}

/** Posts a keyed transfer once and answers 201 with it (or the stored answer on a retry). */
function keyedTransfer(
  deps: CreditDeps,
  context: IdempotencyContext,
  request: Omit<TransferRequest, "transferId">,
  notice: NoticeContext,
  transferId: string = idFromKey("K", context.scope, context.key),
  extra: Pick<PostingEffects, "approves"> = {},
): Promise<StoredResponse> {
  return postAndTell(
    deps,
    context,
    notice,
    async (effectsOf, record) => {
      const plan = await postTransfer(deps, { ...request, transferId }, (p) =>
        effectsOf(p, record({ status: 201, body: p.transfer })),
      );
      return { status: 201, body: plan.transfer };
    },
    extra,
  );
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
  return keyedTransfer(
    deps,
    context,
    {
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
    },
    {
      by: { memberId: acting.actor.memberId, displayName: acting.actor.displayName },
      names: new Map([[organisation.memberId, organisation.displayName]]),
    },
  );
}

/**
 * A resident (or a coordinator for them) spends credits on an activity at a venue. With
 * `approval`, it is the approval of a redemption the venue recorded: the transfer's id is derived
 * from the request, and the request turns "approved" in the posting's transaction.
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
  approval?: { transferId: string; approves: string },
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
  return keyedTransfer(
    deps,
    context,
    {
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
    },
    {
      by: { memberId: acting.actor.memberId, displayName: acting.actor.displayName },
      names: new Map([
        [acting.subject.memberId, acting.subject.displayName],
        [activity.venueId, activity.venueName],
      ]),
      activityTitle: `${activity.title}${places > 1 ? ` (${places} places)` : ""}`,
    },
    approval?.transferId,
    approval
      ? {
          approves: {
            requestId: approval.approves,
            decidedAt: deps.clock.now().toISOString(),
            decidedBy: acting.actor.memberId,
          },
        }
      : {},
  );
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
  return keyedTransfer(
    deps,
    context,
    {
      kind: "donation",
      legs: [{ from: accountOf(acting.subject), to: pot, minutes: request.minutes }],
      createdBy: acting.actor.memberId,
      onBehalfOf: acting.subject.memberId,
      area: acting.subject.area,
      ...(request.memo ? { memo: request.memo } : {}),
    },
    {
      by: { memberId: acting.actor.memberId, displayName: acting.actor.displayName },
      names: new Map([[acting.subject.memberId, acting.subject.displayName]]),
    },
  );
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
  return keyedTransfer(
    deps,
    context,
    {
      kind: "grant",
      legs: [{ from: pot, to: accountOf(member), minutes: request.minutes }],
      createdBy: actor.memberId,
      area: member.area,
      memo: request.reason,
    },
    {
      by: { memberId: actor.memberId, displayName: actor.displayName },
      names: new Map([[member.memberId, member.displayName]]),
    },
  );
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
  const notice = {
    by: { memberId: actor.memberId, displayName: actor.displayName },
    names: new Map<string, string>(),
  };
  return postAndTell(deps, context, notice, async (effectsOf, record) => {
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
        (p) => effectsOf(p, record({ status: 201, body: p.transfer })),
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
 * exchanges), so it tells nobody; the benchmark and the ledger's concurrency and model tests drive
 * the posting path through it.
 */
export function makePayment(
  deps: Pick<Deps, "ledger" | "clock" | "city">,
  context: IdempotencyContext,
  payment: {
    from: { accountId: string; kind: AccountKind };
    to: { accountId: string; kind: AccountKind };
    minutes: number;
    createdBy: string;
    area?: string;
  },
): Promise<StoredResponse> {
  const transferId = idFromKey("K", context.scope, context.key);
  return runIdempotent(deps, context, async (record) => {
    const request: TransferRequest = {
      transferId,
      kind: "payment",
      legs: [{ from: payment.from, to: payment.to, minutes: payment.minutes }],
      createdBy: payment.createdBy,
      ...(payment.area ? { area: payment.area } : {}),
    };
    const plan = await postTransfer(deps, request, (p) => ({
      idempotency: record({ status: 201, body: p.transfer }),
    }));
    return { status: 201, body: plan.transfer };
  });
}
