import * as z from "#shared/zod.ts";
import { minutesSchema } from "./books.ts";

/**
 * Activities that accept time credits: a venue (any organisation: a cinema, a swimming pool, a
 * library's repair café) publishes one with its price in minutes, and residents spend credits on
 * it (see `redeemActivity` in credits.ts). The "agency time credits" model.
 */
export const activitySchema = z.object({
  activityId: z.string(),
  venueId: z.string(),
  venueName: z.string(),
  title: z.string(),
  description: z.optional(z.string()),
  /** Price per place, in minutes. */
  minutes: z.int(),
  category: z.optional(z.string()),
  area: z.string(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
});
export type Activity = z.infer<typeof activitySchema>;

export const publishActivitySchema = z.strictObject({
  title: z.string().check(z.trim(), z.minLength(3), z.maxLength(120)),
  description: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
  minutes: minutesSchema,
  category: z.optional(z.string().check(z.maxLength(40))),
});
export type PublishActivity = z.infer<typeof publishActivitySchema>;

export const activityPageSchema = z.object({
  items: z.array(activitySchema),
  nextCursor: z.optional(z.string()),
});

/** Most places one redemption may buy; the total stays within one transfer's cap. */
export const MAX_PLACES = 10;
export const redeemActivitySchema = z.strictObject({
  places: z._default(z.int().check(z.gte(1), z.lte(MAX_PLACES)), 1),
});
