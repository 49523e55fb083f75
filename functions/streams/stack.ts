import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { productionDeps } from "../../shared/data/deps.ts";
import type { Deps } from "../../shared/domain/ports.ts";
import { describeError, log } from "../../shared/logger.ts";

/**
 * Wraps a per-record function into a stream handler that reports partial batch failures. Records
 * are handled in order; at the first failure the rest of the batch is reported failed too, so the
 * retry resumes from there and per-item order is kept. Effects must be idempotent: delivery is
 * at-least-once.
 */
export function streamConsumer(
  name: string,
  handleRecord: (record: DynamoDBRecord, deps: Deps) => Promise<void>,
) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const deps = productionDeps();
    for (const [index, record] of event.Records.entries()) {
      try {
        await handleRecord(record, deps);
      } catch (error) {
        log.error("stream record failed", {
          consumer: name,
          eventId: record.eventID,
          ...describeError(error),
        });
        return {
          batchItemFailures: event.Records.slice(index).map((r) => ({
            itemIdentifier: r.dynamodb?.SequenceNumber ?? "",
          })),
        };
      }
    }
    return { batchItemFailures: [] };
  };
}
