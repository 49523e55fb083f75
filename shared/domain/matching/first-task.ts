import type { Deps } from "#domain/deps.ts";
import { RuleViolationError } from "#domain/kernel/errors.ts";
import { decodeCursor, encodeCursor, MAX_CURSOR_LENGTH, pageQueryFields } from "#domain/kernel/paging.ts";
import { isCoordinatorOrAdmin } from "#domain/membership/member.ts";
import { listMembers, memberInScope, requireCoordinator } from "#domain/membership/members.ts";
import { notify } from "#domain/notices/notify.ts";
import * as z from "#shared/zod.ts";
import { suggestionFor } from "./dormant.ts";

type FirstTaskDeps = Pick<
  Deps,
  "members" | "city" | "clock" | "ids" | "inbox" | "matchIndex" | "signals" | "posts"
>;

const QUIET_LIST = "quiet-members";

export const quietQuerySchema = z.strictObject({
  /** One of the coordinator's areas; city-wide coordinators may leave it out. */
  area: z.optional(z.string().check(z.maxLength(60))),
  ...pageQueryFields,
});

export const quietMemberSchema = z.object({
  memberId: z.string(),
  displayName: z.string(),
  area: z.string(),
  createdAt: z.string(),
  /** Skill categories: a first task is suggested from them. */
  categories: z.array(z.string()),
  /** Whether a home is set: suggestions are for nearby requests, so none can be made without one. */
  hasHome: z.boolean(),
  /**
   * `never`: never settled an exchange; `gone-quiet`: settled some, but none for the city's
   * `coordination.quietAfterDays` (since `lastSettledAt`).
   */
  quiet: z.enum(["never", "gone-quiet"]),
  lastSettledAt: z.optional(z.string()),
});
export const quietPageSchema = z.object({
  items: z.array(quietMemberSchema),
  nextCursor: z.optional(z.string()),
});

export const firstTaskSchema = z.object({
  suggested: z.boolean(),
  /** The request suggested, when one fits. */
  postId: z.optional(z.string()),
  title: z.optional(z.string()),
  /** False when the member had already been sent this very suggestion. */
  delivered: z.boolean(),
});

/**
 * Active people in the coordinator's areas who have never settled an exchange, or who have but
 * none for `coordination.quietAfterDays` ("gone quiet"), a page of the members queue at a time (a
 * page may hold fewer than `limit`; follow `nextCursor`).
 * @throws ForbiddenError for non-coordinators or an area out of scope; ValidationError for a bad cursor.
 */
export async function listQuietMembers(
  deps: Pick<Deps, "members" | "city" | "signals" | "clock">,
  actor: Parameters<typeof listMembers>[1],
  query: z.infer<typeof quietQuerySchema>,
): Promise<z.infer<typeof quietPageSchema>> {
  // Its own list name around the members queue's cursor: a cursor of GET /members is no cursor here.
  const inner = decodeCursor(
    query.cursor,
    QUIET_LIST,
    z.strictObject({ c: z.string().check(z.maxLength(MAX_CURSOR_LENGTH)) }),
  );
  const page = await listMembers(deps, actor, "active", query.area, {
    limit: query.limit ?? 20,
    cursor: inner?.c,
  });
  // Fellow coordinators and admins are not whom a coordinator looks after (nor may manage).
  const people = page.items.filter(
    (m) => m.kind === "person" && m.memberId !== actor.memberId && !isCoordinatorOrAdmin(m),
  );
  const signals = await deps.signals.getMany(people.map((m) => m.memberId));
  const since = new Date(
    deps.clock.now().getTime() - deps.city.coordination.quietAfterDays * 86_400_000,
  ).toISOString();
  const quietness = (memberId: string): "never" | "gone-quiet" | undefined => {
    const s = signals.get(memberId);
    if ((s?.settled ?? 0) === 0) return "never";
    // Settled before the stream kept the date: not known to be quiet, so not listed.
    return s?.lastSettledAt !== undefined && s.lastSettledAt < since ? "gone-quiet" : undefined;
  };
  const items = people
    .flatMap((m) => {
      const quiet = quietness(m.memberId);
      return quiet ? [{ m, quiet }] : [];
    })
    .map(({ m, quiet }) => ({
      memberId: m.memberId,
      displayName: m.displayName,
      area: m.area,
      createdAt: m.createdAt,
      categories: m.skills.categories,
      hasHome: m.home !== undefined,
      quiet,
      ...(quiet === "gone-quiet" && signals.get(m.memberId)?.lastSettledAt
        ? { lastSettledAt: signals.get(m.memberId)?.lastSettledAt }
        : {}),
    }));
  return {
    items,
    ...(page.nextCursor ? { nextCursor: encodeCursor(QUIET_LIST, { c: page.nextCursor }) } : {}),
  };
}

/**
 * A coordinator sends a member in scope one concrete first task: the nearest open request in
 * their skills (as the weekly nudge does), to their inbox. The same request is never sent twice.
 * @throws ForbiddenError for anyone but a coordinator; NotFoundError out of scope; RuleViolationError
 * for a member who is not an active person.
 */
export async function suggestFirstTask(
  deps: FirstTaskDeps,
  actor: Parameters<typeof listMembers>[1],
  memberId: string,
): Promise<z.infer<typeof firstTaskSchema>> {
  requireCoordinator(actor);
  const member = await memberInScope(deps, actor, memberId);
  if (member.kind !== "person" || member.status !== "active") {
    throw new RuleViolationError("First tasks are suggested to active residents only");
  }
  const suggestion = await suggestionFor(deps, member, actor.displayName);
  if (!suggestion) return { suggested: false, delivered: false };
  const result = await notify(deps, {
    memberId: member.memberId,
    ...suggestion.notice,
    link: `/posts/${suggestion.post.postId}`,
    dedupeKey: `first-task#${suggestion.post.postId}`,
  });
  return {
    suggested: true,
    postId: suggestion.post.postId,
    title: suggestion.post.title,
    delivered: result === "delivered",
  };
}
