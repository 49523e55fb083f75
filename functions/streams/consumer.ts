import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { describeError, log } from "#shared/logger.ts";

/**
 * A consumer's answer to a batch: the records to retry (from the first that failed) and, when one
 * failed, what went wrong, so the router can store the error with the record.
 */
export interface ConsumerResponse extends DynamoDBBatchResponse {
  error?: { name: string; message: string };
}

/**
 * Wraps a per-record function into a stream handler that reports partial batch failures. Records
 * are handled in order; at the first failure the rest of the batch is reported failed too, so the
 * retry resumes from there and per-item order is kept. Effects must be idempotent: delivery is
 * at-least-once.
 */
export function streamConsumer<D>(
  name: string,
  // The consumer names the dependencies it builds (usually productionDeps), so a small consumer
  // does not bundle every repository of the city.
  makeDeps: () => D,
  handleRecord: (record: DynamoDBRecord, deps: D) => Promise<void>,
) {
  return async (event: DynamoDBStreamEvent): Promise<ConsumerResponse> => {
    const deps = makeDeps();
    for (const [index, record] of event.Records.entries()) {
      try {
        await handleRecord(record, deps);
      } catch (error) {
        log.error("stream record failed", {
          consumer: name,
          eventId: record.eventID,
          ...describeError(error),
        });
        const { errorName, errorMessage } = describeError(error);
        return {
          batchItemFailures: event.Records.slice(index).map((r) => ({
            itemIdentifier: r.dynamodb?.SequenceNumber ?? "",
          })),
          error: { name: String(errorName ?? "Error"), message: String(errorMessage ?? "") },
        };
      }
    }
    return { batchItemFailures: [] };
  };
}
