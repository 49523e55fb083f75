import type { DynamoDBRecord } from "aws-lambda";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";

/** The entity name of a stored failure: its own changes on the stream are nobody's event. */
export const STREAM_FAILURE_ENTITY = "StreamFailure";

/**
 * A stream record one consumer could not handle in all its attempts, kept whole until it is
 * replayed: the record as the stream delivered it, which consumer, what went wrong, how often.
 */
export interface StreamFailure {
  /** `<consumer>#<eventId>`: a record fails at most once per consumer in the store. */
  failureId: string;
  consumer: string;
  eventId: string;
  sequenceNumber: string;
  eventName: string;
  /** The changed item's key, readable without unpacking the record. */
  itemKey: Record<string, string>;
  /** The whole record; undefined only when even compressed it exceeded what one item may hold. */
  record: DynamoDBRecord | undefined;
  error: { name: string; message: string };
  /** Attempts before it was stored. */
  attempts: number;
  firstFailedAt: string;
  lastFailedAt: string;
  /** Times the stream delivered the record again and it failed again (after a redelivered batch). */
  occurrences: number;
  /** Replays that failed; the newest error is in `error`. */
  replayAttempts: number;
}

/** Where stream failures wait for a replay; the DynamoDB adapter is shared/data/stream-failure-repository.ts. */
export interface StreamFailureStore {
  /** Stores a failure; "exists" (and counts another occurrence) when this consumer already failed this record. */
  store(failure: StreamFailure): Promise<"stored" | "exists">;
  /** Failures in consumer and event order, optionally of one consumer. */
  list(consumer: string | undefined, page: PageRequest): Promise<Page<StreamFailure>>;
  /** How many failures wait, per consumer. */
  count(): Promise<Record<string, number>>;
  /**
   * Takes a failure for one replay until `until`: false when another replay holds it or it is
   * gone. The token proves the claim to `remove` and `release`.
   */
  claim(failureId: string, token: string, now: string, until: string): Promise<boolean>;
  /** Deletes a replayed failure, only while the claim is still ours. */
  remove(failureId: string, token: string): Promise<void>;
  /** Gives a failure back after a failed replay, with its error. */
  release(failureId: string, token: string, error: StreamFailure["error"], at: string): Promise<void>;
  /** The item as it is now, in stream-record form, or undefined if it no longer exists. */
  currentImage(itemKey: Record<string, string>): Promise<Record<string, unknown> | undefined>;
}
