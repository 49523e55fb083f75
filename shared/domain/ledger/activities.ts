import type { Deps } from "#domain/deps.ts";
import { NotFoundError, ValidationError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { Acting } from "#domain/membership/acting.ts";
import * as z from "#shared/zod.ts";
import { MAX_TRANSFER_MINUTES, minutesSchema } from "./books.ts";

/**
 * Activities that accept time credits: a venue (any organisation: a cinema, a swimming pool, a
 * library's repair café) publishes one with its price in minutes, and residents spend credits on
 * it (see `redeemActivity` in ledger-credits.ts). The "agency time credits" model.
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

/**
 * An organisation (through its admin, or a coordinator in scope) publishes an activity that
 * accepts credits.
 * @throws NotFoundError when the subject is not an organisation; ValidationError for an unknown category.
 */
export async function publishActivity(
  deps: Pick<Deps, "activities" | "clock" | "ids" | "city">,
  acting: Acting,
  request: PublishActivity,
): Promise<Activity> {
  const venue = acting.subject;
  if (venue.kind !== "organisation") throw new NotFoundError("No such organisation");
  if (request.category !== undefined && !deps.city.skills.some((s) => s.id === request.category)) {
    throw new ValidationError("Unknown category", [
      { path: "category", message: `Must be one of: ${deps.city.skills.map((s) => s.id).join(", ")}` },
    ]);
  }
  const activity: Activity = {
    activityId: deps.ids.next(),
    venueId: venue.memberId,
    venueName: venue.displayName,
    title: request.title,
    ...(request.description ? { description: request.description } : {}),
    minutes: Math.min(request.minutes, MAX_TRANSFER_MINUTES),
    ...(request.category ? { category: request.category } : {}),
    area: venue.area,
    createdAt: deps.clock.now().toISOString(),
    createdBy: acting.actor.memberId,
  };
  await deps.activities.create(activity);
  return activity;
}

export function listActivities(deps: Pick<Deps, "activities">, page: PageRequest): Promise<Page<Activity>> {
  return deps.activities.list(page);
}
