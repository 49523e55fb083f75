import type { Deps } from "#domain/deps.ts";
import { NotFoundError, ValidationError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { Acting } from "#domain/membership/acting.ts";
import type { Activity, PublishActivity } from "./activity.ts";
import { MAX_TRANSFER_MINUTES } from "./books.ts";

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
