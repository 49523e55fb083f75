import { memberKinds } from "#domain/membership/member.ts";
import * as z from "#shared/zod.ts";

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
 * written in the same transaction as each change (see notices.ts).
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

export const exchangePartySchema = z.object({
  memberId: z.string(),
  role: z.enum(["provider", "receiver"]),
  kind: z.enum(memberKinds),
  displayName: z.string(),
  area: z.string(),
});
export type ExchangeParty = z.infer<typeof exchangePartySchema>;

export const disputeStatementSchema = z.object({
  memberId: z.string(),
  by: z.string(),
  text: z.string(),
  at: z.iso.datetime(),
});
export type DisputeStatement = z.infer<typeof disputeStatementSchema>;

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
  /**
   * Each party's own account of a dispute, one per party, for the coordinator who decides:
   * `memberId` is the party, `by` who wrote it (the party, or a coordinator acting for them).
   */
  statements: z.optional(z.array(disputeStatementSchema)),
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
  /** The party the last change was made for, when someone else acted for them (audit trail). */
  updatedFor: z.optional(z.string()),
  version: z.int(),
});
export type Exchange = z.infer<typeof exchangeSchema>;

export const providers = (e: Exchange) => e.parties.filter((p) => p.role === "provider");
export const receivers = (e: Exchange) => e.parties.filter((p) => p.role === "receiver");
export const isParty = (e: Exchange, memberId: string) => e.parties.some((p) => p.memberId === memberId);
/** The parties who must accept: everyone on the side the proposer is not on. */
export const counterparts = (e: Exchange) => {
  const proposer = e.parties.find((p) => p.memberId === e.proposedBy);
  return e.parties.filter((p) => p.role !== proposer?.role);
};

/**
 * The exchange as changed by `actorId`, for `forId` when they acted for a party: who made the
 * last change, which the parties' audit trails show. A change nobody made for anyone clears it.
 */
export function changedBy(exchange: Exchange, actorId: string, forId?: string): Exchange {
  const { updatedFor: _previous, ...rest } = exchange;
  return { ...rest, updatedBy: actorId, ...(forId && forId !== actorId ? { updatedFor: forId } : {}) };
}
