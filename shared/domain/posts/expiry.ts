import type { Deps } from "#domain/deps.ts";
import { ConflictError } from "#domain/kernel/errors.ts";
import { localDate } from "#domain/kernel/time.ts";
import { notify } from "#domain/notices/notify.ts";
import type { DuePost } from "./ports.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Due-day partitions read per run: today and the days before. Due times are never earlier than
 * the write that set them, so only a schedule stopped for longer than this would strand posts.
 */
export const EXPIRY_LOOKBACK_DAYS = 7;
/** Posts handled per due-day partition and run; the next run (hourly) picks up any rest. */
export const EXPIRY_BATCH_PER_DAY = 200;

export interface ExpiryRun {
  due: number;
  reminded: number;
  expired: number;
  /** Changed, extended or handled meanwhile (by the owner, or by a run a moment earlier). */
  skipped: number;
  /** At least one partition had more due posts than a run takes. */
  more: boolean;
}

type ExpiryDeps = Pick<Deps, "city" | "clock" | "ids" | "posts" | "inbox">;

async function remind(deps: ExpiryDeps, entry: DuePost): Promise<"reminded" | "skipped"> {
  const { card } = entry;
  const day = localDate(new Date(card.expiresAt), deps.city.timezone);
  // The notice and the bookkeeping are independent writes, made side by side (one round). The
  // dedupe key makes the notice once per post and expiry date however often this runs.
  const [, moved] = await Promise.all([
    notify(deps, {
      memberId: card.ownerId,
      kind: "post-expiring",
      title: "Your post expires soon",
      body: `"${card.title}" expires on ${day}. If you still need it, extend it.`,
      link: `/posts/${card.postId}`,
      dedupeKey: `post-expiring#${card.postId}#${card.expiresAt}`,
    }),
    skipOnConflict(deps.posts.reminderSent(card)),
  ]);
  return moved === "done" ? "reminded" : "skipped";
}

async function expire(deps: ExpiryDeps, entry: DuePost, at: string): Promise<"expired" | "skipped"> {
  const { card } = entry;
  // Side by side as well, to keep the run two rounds deep. The expiry write is conditional on the
  // expiry date read, so an owner extending the post in that same instant keeps it open; their
  // inbox may then hold one stale "expired" notice, which is the price of not waiting.
  const [changed] = await Promise.all([
    skipOnConflict(deps.posts.expire(card, at)),
    notify(deps, {
      memberId: card.ownerId,
      kind: "post-expired",
      title: "Your post expired",
      body: `"${card.title}" expired and is no longer shown. Post it again if you still need it.`,
      link: `/posts/${card.postId}`,
      dedupeKey: `post-expired#${card.postId}#${card.expiresAt}`,
    }),
  ]);
  return changed === "done" ? "expired" : "skipped";
}

async function skipOnConflict(write: Promise<void>): Promise<"done" | "skipped"> {
  try {
    await write;
    return "done";
  } catch (error) {
    if (error instanceof ConflictError) return "skipped";
    throw error;
  }
}

/**
 * Sends the expiry reminder for posts due one (3 days ahead) and expires posts whose expiry has
 * passed, taking them out of search. Safe to run twice or concurrently: writes are conditional and
 * notices deduplicated per post and expiry date. Every due post is tried even if one fails.
 * @throws Error after the run when any post failed for a reason other than a concurrent change.
 */
export async function runPostExpiry(deps: ExpiryDeps): Promise<ExpiryRun> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const days: string[] = [];
  for (let back = EXPIRY_LOOKBACK_DAYS; back >= 0; back--) {
    days.push(new Date(now.getTime() - back * DAY_MS).toISOString().slice(0, 10));
  }
  const due = await deps.posts.listDue(days, at, EXPIRY_BATCH_PER_DAY);
  const outcomes = await Promise.allSettled(
    due.map((entry) =>
      entry.card.expiresAt <= at
        ? expire(deps, entry, at)
        : entry.dueAt < entry.card.expiresAt
          ? remind(deps, entry)
          : Promise.resolve("skipped" as const),
    ),
  );
  const run: ExpiryRun = { due: due.length, reminded: 0, expired: 0, skipped: 0, more: false };
  const failures: unknown[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === "rejected") failures.push(outcome.reason);
    else if (outcome.value === "reminded") run.reminded += 1;
    else if (outcome.value === "expired") run.expired += 1;
    else run.skipped += 1;
  }
  const perDay = new Map<string, number>();
  for (const entry of due)
    perDay.set(entry.dueAt.slice(0, 10), (perDay.get(entry.dueAt.slice(0, 10)) ?? 0) + 1);
  run.more = [...perDay.values()].some((n) => n >= EXPIRY_BATCH_PER_DAY);
  if (failures.length > 0) {
    throw new Error(`${failures.length} of ${due.length} due posts failed`, { cause: failures[0] });
  }
  return run;
}
