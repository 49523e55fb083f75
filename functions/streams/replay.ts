import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Context, DynamoDBRecord } from "aws-lambda";
import { log } from "../../shared/logger.ts";
import type { StreamFailure } from "../../shared/stream-failures.ts";
import { backoffMs, callConsumer, type RoutedConsumer, type RouterDeps } from "./router.ts";

/** How long a replay holds a failure it took; one that dies mid-way frees it after this. */
const CLAIM_MS = 15 * 60_000;
const PAGE = 25;

export interface ReplayOptions {
  /** Only this consumer's failures. */
  consumer?: string | undefined;
  /** At most this many failures in this run (the rest wait for the next). */
  limit?: number | undefined;
  pause?: (ms: number) => Promise<void>;
}

export interface ReplayReport {
  delivered: string[];
  failed: { failureId: string; error: StreamFailure["error"] }[];
  skipped: { failureId: string; reason: string }[];
  /** Failures still waiting afterwards, per consumer. */
  waiting: Record<string, number>;
}

/**
 * The record a replay hands the consumer: as stored, or (for consumers that keep a projection of
 * an item) the stored old image with the item as it is now, so a late replay cannot undo changes
 * that came after the failed record. Undefined when the stored failure lacks what is needed.
 */
async function recordToReplay(
  failure: StreamFailure,
  consumer: RoutedConsumer,
  deps: RouterDeps,
): Promise<DynamoDBRecord | undefined> {
  if ((consumer.entry.replay ?? "as-recorded") === "as-recorded") return failure.record;
  if (!failure.record) return undefined;
  const current = await deps.failures.currentImage(failure.itemKey);
  const { NewImage: _recorded, ...data } = failure.record.dynamodb ?? {};
  return {
    ...failure.record,
    ...(current ? {} : { eventName: "REMOVE" }),
    dynamodb: { ...data, ...(current ? { NewImage: current as never } : {}) },
  };
}

async function replayOne(
  failure: StreamFailure,
  consumers: readonly RoutedConsumer[],
  deps: RouterDeps,
  context: Context,
  pause: (ms: number) => Promise<void>,
  report: ReplayReport,
): Promise<void> {
  const consumer = consumers.find((c) => c.entry.name === failure.consumer);
  if (!consumer) {
    report.skipped.push({ failureId: failure.failureId, reason: "no consumer of that name here" });
    return;
  }
  const token = randomUUID();
  const now = deps.now();
  const until = new Date(now.getTime() + CLAIM_MS).toISOString();
  if (!(await deps.failures.claim(failure.failureId, token, now.toISOString(), until))) {
    report.skipped.push({ failureId: failure.failureId, reason: "another replay holds it" });
    return;
  }
  const record = await recordToReplay(failure, consumer, deps);
  let error: StreamFailure["error"] | undefined = record
    ? undefined
    : { name: "NotReplayable", message: "the record was too large to store whole" };
  for (let attempt = 1; record && attempt <= consumer.entry.maxRetries + 1; attempt++) {
    const outcome = await callConsumer(consumer, [record], context);
    error = outcome.failedAt === undefined ? undefined : outcome.error;
    if (!error) break;
    if (attempt <= consumer.entry.maxRetries) await pause(backoffMs(attempt));
  }
  if (error) {
    await deps.failures.release(failure.failureId, token, error, deps.now().toISOString());
    report.failed.push({ failureId: failure.failureId, error });
    log.warn("stream failure replayed and failed again; it stays in the store", {
      failureId: failure.failureId,
      error,
    });
    return;
  }
  await deps.failures.remove(failure.failureId, token);
  report.delivered.push(failure.failureId);
  log.info("stream failure replayed and delivered", { failureId: failure.failureId });
}

/**
 * Delivers stored stream failures to their consumers again, after a fix. Each failure is claimed
 * first (two replays at once never deliver one twice), handed to its consumer with the consumer's
 * own attempts, and deleted only once delivered; a failure that fails again stays, with the new
 * error. Consumers are idempotent, so even a replay that dies between delivering and deleting
 * changes nothing the next time.
 */
export async function replayFailures(
  consumers: readonly RoutedConsumer[],
  deps: RouterDeps,
  context: Context,
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const pause = options.pause ?? ((ms: number) => sleep(ms));
  const report: ReplayReport = { delivered: [], failed: [], skipped: [], waiting: {} };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  // Only this router's consumers: another router's failures wait for the function that holds
  // their consumer's code.
  const names = options.consumer ? [options.consumer] : consumers.map((c) => c.entry.name);
  let handled = 0;
  for (const name of names) {
    let cursor: string | undefined;
    do {
      const page = await deps.failures.list(name, { limit: PAGE, cursor });
      cursor = page.nextCursor;
      for (const failure of page.items) {
        if (handled >= limit) break;
        handled += 1;
        await replayOne(failure, consumers, deps, context, pause, report);
      }
    } while (cursor && handled < limit);
  }
  report.waiting = await deps.failures.count();
  return report;
}
