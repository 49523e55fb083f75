import { idSchema } from "#domain/kernel/ids.ts";
import { MAX_LEGS, minutesSchema } from "#domain/ledger/books.ts";
import * as z from "#shared/zod.ts";
import { exchangeSchema } from "./exchange.ts";

/** What people send to move exchanges along, and the pages they read. */
const reason = z.string().check(z.trim(), z.minLength(3), z.maxLength(500));

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

/** A party's own account of a disputed exchange, for the coordinator who decides. */
export const statementRequestSchema = z.strictObject({
  text: z.string().check(z.trim(), z.minLength(3), z.maxLength(2000)),
});
export type StatementRequest = z.infer<typeof statementRequestSchema>;

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
