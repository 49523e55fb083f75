import { setTimeout as sleep } from "node:timers/promises";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { passesFilter, type StreamConsumerEntry } from "../../infra/manifest.ts";
import { describeError, log, withLogContext } from "../../shared/logger.ts";
import { emitMetrics, OPERATIONS_NAMESPACE } from "../../shared/metrics.ts";
import {
  STREAM_FAILURE_ENTITY,
  type StreamFailure,
  type StreamFailureStore,
} from "../../shared/stream-failures.ts";
import type { ConsumerResponse } from "./consumer.ts";

/** The metric the "stream records failed" alarm watches: records stored for a replay. */
export const STREAM_RECORDS_FAILED_METRIC = "StreamRecordsFailed";

export type ConsumerHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<ConsumerResponse | DynamoDBBatchResponse | undefined>;

/** A consumer of the manifest with the handler the router calls in process. */
export interface RoutedConsumer {
  entry: StreamConsumerEntry;
  handler: ConsumerHandler;
}

export interface RouterDeps {
  cityId: string;
  failures: StreamFailureStore;
  now: () => Date;
}

export interface RouterOptions {
  /** Waits between attempts (tests pass one that does not wait). */
  pause?: (ms: number) => Promise<void>;
  /**
   * No new consumer call starts with less time than this left: the records not reached are
   * handed back to Lambda (as batch item failures) and come again in the next invocation.
   */
  reserveMs?: number;
}

const DEFAULT_RESERVE_MS = 20_000;

/** Backoff between attempts on one record: 100 ms, doubling, at most 2 s. */
export function backoffMs(failedAttempts: number): number {
  return Math.min(2000, 100 * 2 ** Math.max(0, failedAttempts - 1));
}

function entityOf(record: DynamoDBRecord): unknown {
  return record.dynamodb?.NewImage?.entity?.S ?? record.dynamodb?.OldImage?.entity?.S;
}

/** The key of the item a record changed, as plain strings. */
export function itemKeyOf(record: DynamoDBRecord): Record<string, string> {
  const keys = record.dynamodb?.Keys;
  if (!keys) return {};
  const plain = unmarshall(keys as Record<string, AttributeValue>);
  return Object.fromEntries(Object.entries(plain).map(([name, value]) => [name, String(value)]));
}

/** The outcome of one call of a consumer on a run of records. */
interface CallOutcome {
  /** Index (in the records given) of the first record that failed, if any. */
  failedAt: number | undefined;
  error: StreamFailure["error"];
}

/** Calls a consumer once and reads its answer; a throw fails the whole run of records. */
export async function callConsumer(
  consumer: RoutedConsumer,
  records: DynamoDBRecord[],
  context: Context,
): Promise<CallOutcome> {
  const unknown = { name: "Error", message: "the consumer reported the record failed" };
  let response: ConsumerResponse | undefined;
  try {
    response = (await consumer.handler({ Records: records }, context)) ?? undefined;
  } catch (error) {
    const { errorName, errorMessage } = describeError(error);
    return {
      failedAt: 0,
      error: { name: String(errorName ?? "Error"), message: String(errorMessage ?? "") },
    };
  }
  const failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  if (failed.size === 0) return { failedAt: undefined, error: unknown };
  const index = records.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ""));
  return { failedAt: index === -1 ? 0 : index, error: response?.error ?? unknown };
}

/**
 * Hands one consumer its records in order, in batches of its own size. A record that fails is
 * tried again after a short backoff; when all its attempts failed it is stored whole in the
 * failure store (and the alarm's metric counts it) and the consumer goes on with the next record.
 * Returns the index of the first record it could not finish (time ran out, or the failure store
 * itself failed), or undefined when every record was handled or stored.
 */
async function deliver(
  consumer: RoutedConsumer,
  records: DynamoDBRecord[],
  deps: RouterDeps,
  context: Context,
  options: Required<RouterOptions>,
): Promise<number | undefined> {
  const { entry } = consumer;
  let next = 0;
  let failures = 0;
  while (next < records.length) {
    if (context.getRemainingTimeInMillis() < options.reserveMs) {
      log.warn("stream router out of time; the rest of the batch comes again", {
        left: records.length - next,
      });
      return next;
    }
    const run = records.slice(next, next + entry.batchSize);
    const outcome = await callConsumer(consumer, run, context);
    if (outcome.failedAt === undefined) {
      next += run.length;
      failures = 0;
      continue;
    }
    // The records before the failed one are done; the failed one is tried again or stored.
    if (outcome.failedAt > 0) failures = 0;
    next += outcome.failedAt;
    failures += 1;
    const record = records[next];
    if (!record) return undefined;
    if (failures <= entry.maxRetries) {
      await options.pause(backoffMs(failures));
      continue;
    }
    const now = deps.now().toISOString();
    const failure: StreamFailure = {
      failureId: `${entry.name}#${record.eventID ?? ""}`,
      consumer: entry.name,
      eventId: record.eventID ?? "",
      sequenceNumber: record.dynamodb?.SequenceNumber ?? "",
      eventName: record.eventName ?? "",
      itemKey: itemKeyOf(record),
      record,
      error: outcome.error,
      attempts: failures,
      firstFailedAt: now,
      lastFailedAt: now,
      occurrences: 1,
      replayAttempts: 0,
    };
    try {
      await deps.failures.store(failure);
    } catch (error) {
      log.error("stream record failed and could not be stored; the batch comes again", {
        eventId: failure.eventId,
        ...describeError(error),
      });
      return next;
    }
    log.error("stream record stored for replay after failing every attempt", {
      eventId: failure.eventId,
      itemKey: failure.itemKey,
      attempts: failure.attempts,
      error: failure.error,
    });
    emitMetrics(
      OPERATIONS_NAMESPACE,
      { City: deps.cityId },
      { [STREAM_RECORDS_FAILED_METRIC]: 1 },
      { consumer: entry.name, eventId: failure.eventId },
    );
    next += 1;
    failures = 0;
  }
  return undefined;
}

/**
 * Routes one batch of the table's stream to every consumer whose filter it passes. Consumers run
 * side by side, each over its own records in order, so one that is slow or failing holds up no
 * other. Records of the failure store itself go to nobody. Answers with the records to deliver
 * again: from the first record any consumer could not finish (the others are idempotent and take
 * their repeat in their stride), none when all were handled or stored.
 */
export async function routeBatch(
  consumers: readonly RoutedConsumer[],
  event: DynamoDBStreamEvent,
  deps: RouterDeps,
  context: Context,
  options: RouterOptions = {},
): Promise<DynamoDBBatchResponse> {
  const settings: Required<RouterOptions> = {
    pause: options.pause ?? ((ms) => sleep(ms)),
    reserveMs: options.reserveMs ?? DEFAULT_RESERVE_MS,
  };
  const records = event.Records.filter((r) => entityOf(r) !== STREAM_FAILURE_ENTITY);
  const unfinished = await Promise.all(
    consumers.map(async (consumer) => {
      const mine = records.filter((r) =>
        passesFilter(consumer.entry, {
          eventName: r.eventName,
          newEntity: r.dynamodb?.NewImage?.entity?.S,
          oldEntity: r.dynamodb?.OldImage?.entity?.S,
        }),
      );
      if (mine.length === 0) return undefined;
      const stoppedAt = await withLogContext({ consumer: consumer.entry.name }, () =>
        deliver(consumer, mine, deps, context, settings),
      );
      return stoppedAt === undefined ? undefined : mine[stoppedAt];
    }),
  );
  const first = event.Records.findIndex((r) => unfinished.includes(r));
  if (first === -1) return { batchItemFailures: [] };
  return {
    batchItemFailures: event.Records.slice(first).map((r) => ({
      itemIdentifier: r.dynamodb?.SequenceNumber ?? "",
    })),
  };
}
