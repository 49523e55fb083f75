import type { Deps } from "#domain/deps.ts";
import { ForbiddenError, ValidationError } from "#domain/kernel/errors.ts";
import { categoryName } from "#domain/kernel/names.ts";
import { type Page, pageQueryFields } from "#domain/kernel/paging.ts";
import { coordinatesArea, type Member } from "#domain/membership/member.ts";
import { requireArea, requireCoordinator } from "#domain/membership/members.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import * as z from "#shared/zod.ts";
import { type Exchange, exchangeStatuses } from "./exchange.ts";
import { coordinatesExchange, exchangeAreas } from "./scope.ts";

/**
 * The coordinators' side of exchanges: a queue of exchanges by status and area (a dispute waits
 * in `disputed` until a coordinator resolves it), and the notice that tells the coordinators in
 * scope that a dispute needs one. Both follow each exchange change from the stream, keyed so a
 * redelivered change changes nothing.
 */
export const exchangeQueueQuerySchema = z.strictObject({
  /** Default `disputed`: the dispute queue. */
  status: z.optional(z.enum(exchangeStatuses)),
  /** One of the coordinator's areas; city-wide coordinators and admins may leave it out. */
  area: z.optional(z.string().check(z.maxLength(60))),
  ...pageQueryFields,
});
export type ExchangeQueueQuery = z.infer<typeof exchangeQueueQuerySchema>;

/** City-wide coordinators (no areas named) and admins may list a status over every area at once. */
function coordinatesWholeCity(actor: Member): boolean {
  return actor.roles.includes("admin") || actor.coordinatorAreas.length === 0;
}

/**
 * Exchanges in a status (default: disputed) in one area, oldest in that status first, for its
 * coordinators; an exchange is in the queue of its own area and of each party's area. Without an
 * area, city-wide coordinators and admins get the whole city. Query, never a scan; opaque cursor.
 * @throws ForbiddenError for non-coordinators and areas outside the caller's scope;
 * ValidationError for an unknown area, a missing one for an area coordinator, or a bad cursor.
 */
export async function listExchangeQueue(
  deps: Pick<Deps, "city" | "exchanges">,
  actor: Member,
  query: ExchangeQueueQuery,
): Promise<Page<Exchange>> {
  requireCoordinator(actor);
  const status = query.status ?? "disputed";
  const page = { limit: query.limit ?? 20, cursor: query.cursor };
  if (query.area === undefined) {
    if (coordinatesWholeCity(actor)) return deps.exchanges.listByStatus(status, page);
    throw new ValidationError("Name one of your areas", [
      { path: "query.area", message: `Must be one of: ${actor.coordinatorAreas.join(", ")}` },
    ]);
  }
  requireArea(deps.city, query.area, "query.area");
  if (!coordinatesArea(actor, query.area)) throw new ForbiddenError("That area is outside your scope");
  return deps.exchanges.listQueue(status, query.area, page);
}

const TITLE_MAX = 200;
const BODY_MAX = 2000;

/**
 * The notices telling coordinators that an exchange's dispute needs one: every active coordinator
 * whose scope reaches one of its areas, and every admin, but not a party to it. Keyed by the
 * exchange and its version, so a redelivered change tells nobody twice.
 */
export function disputeNotices(
  deps: Pick<Deps, "ids" | "clock" | "city">,
  exchange: Exchange,
  coordinators: readonly Member[],
): InboxDelivery[] {
  const dispute = exchange.dispute;
  if (exchange.status !== "disputed" || !dispute) return [];
  const parties = new Set(exchange.parties.map((p) => p.memberId));
  const name = (memberId: string) =>
    exchange.parties.find((p) => p.memberId === memberId)?.displayName ?? "A member";
  const category = categoryName(deps.city, exchange.category);
  const what = exchange.description ? `"${exchange.description}"` : category;
  const areas = exchangeAreas(exchange);
  const areaNames = areas.map((a) => deps.city.areas.find((x) => x.id === a)?.name ?? a).join(", ");
  const minutes = exchange.legs.reduce((sum, leg) => sum + (leg.actualMinutes ?? leg.agreedMinutes), 0);
  const title = `A dispute needs a coordinator: ${what}`;
  const body =
    `${name(dispute.by)} disputed the exchange between ${exchange.parties.map((p) => p.displayName).join(", ")} ` +
    `(${areaNames}): ${minutes} minutes of ${category}. Reason: ${dispute.reason}. ` +
    "Settle it as logged, adjust the minutes, or cancel it.";
  const createdAt = deps.clock.now().toISOString();
  return coordinators
    .filter((c) => c.status === "active" && !parties.has(c.memberId) && coordinatesExchange(c, exchange))
    .map((c) => ({
      notification: {
        notificationId: deps.ids.next(),
        memberId: c.memberId,
        kind: "dispute-to-resolve" as const,
        title: title.slice(0, TITLE_MAX),
        body: body.slice(0, BODY_MAX),
        link: `/exchanges/${exchange.exchangeId}`,
        params: {
          exchangeId: exchange.exchangeId,
          disputedBy: dispute.by,
          reason: dispute.reason,
          minutes,
          category: exchange.category,
          areas: areas.join(","),
        },
        createdAt,
      },
      dedupeKey: `dispute#${exchange.exchangeId}#${exchange.version}`,
    }));
}

/**
 * What an exchange change means for the coordinators: a new status moves it in the queue of each
 * of its areas; a new dispute tells the coordinators in scope. Idempotent.
 */
export async function followExchangeForCoordinators(
  deps: Pick<Deps, "exchanges" | "members" | "inbox" | "ids" | "clock" | "city">,
  previous: Exchange | undefined,
  exchange: Exchange,
): Promise<{ queued: boolean; told: number }> {
  if (previous?.status === exchange.status) return { queued: false, told: 0 };
  await deps.exchanges.saveQueueEntries(exchange, exchangeAreas(exchange));
  if (exchange.status !== "disputed") return { queued: true, told: 0 };
  const notices = disputeNotices(deps, exchange, await deps.members.listCoordinators());
  const outcomes = await Promise.all(
    notices.map(({ notification, dedupeKey }) => deps.inbox.deliver(notification, dedupeKey)),
  );
  return { queued: true, told: outcomes.filter((o) => o === "delivered").length };
}
