import { idSchema } from "#domain/kernel/ids.ts";
import * as z from "#shared/zod.ts";
import { MAX_PLACES } from "./activity.ts";

/**
 * A redemption a venue recorded at its counter, waiting for the member's approval (see
 * venue-redemptions.ts for the rules).
 */

/** How long a recorded redemption waits for the member's answer. */
export const REDEMPTION_REQUEST_DAYS = 7;
/** How long a decided or expired request stays listed (the venue's daily lists, the member's page). */
export const REDEMPTION_REQUEST_KEPT_DAYS = 30;

export const redemptionRequestStatuses = ["pending", "approved", "declined", "expired"] as const;

export const recordRedemptionSchema = z.strictObject({
  memberId: idSchema,
  activityId: idSchema,
  places: z._default(z.int().check(z.gte(1), z.lte(MAX_PLACES)), 1),
});
export type RecordRedemption = z.infer<typeof recordRedemptionSchema>;

/** A recorded redemption as stored; `expired` is never stored, it is read from `expiresAt`. */
export const redemptionRequestSchema = z.object({
  requestId: z.string(),
  venueId: z.string(),
  venueName: z.string(),
  memberId: z.string(),
  memberName: z.string(),
  activityId: z.string(),
  activityTitle: z.string(),
  places: z.int(),
  /** places × the activity's price. */
  minutes: z.int(),
  status: z.enum(redemptionRequestStatuses),
  /** The venue's local day (YYYY-MM-DD, the city's time zone) it was recorded on. */
  day: z.string(),
  createdAt: z.iso.datetime(),
  /** The venue admin who recorded it. */
  createdBy: z.string(),
  expiresAt: z.iso.datetime(),
  decidedAt: z.optional(z.iso.datetime()),
  /** Who approved or declined it: the member, or a coordinator acting for them. */
  decidedBy: z.optional(z.string()),
  /** The redemption's transfer, once approved. */
  transferId: z.optional(z.string()),
});
export type RedemptionRequest = z.infer<typeof redemptionRequestSchema>;

export const redemptionRequestPageSchema = z.object({
  items: z.array(redemptionRequestSchema),
  nextCursor: z.optional(z.string()),
});

/** A local day in a path or query. */
export const daySchema = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-05-01"));

/** The request as its readers see it now: a pending one past its expiry is expired. */
export function viewOf(request: RedemptionRequest, now: Date): RedemptionRequest {
  return request.status === "pending" && new Date(request.expiresAt) <= now
    ? { ...request, status: "expired" }
    : request;
}

/** The transfer an approval makes: derived from the request, so two approvals pay once. */
export function approvalTransferId(requestId: string): string {
  return `P-${requestId}`;
}
