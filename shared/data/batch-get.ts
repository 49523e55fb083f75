import { setTimeout as sleep } from "node:timers/promises";
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";

/** BatchGetItem's limit on keys per call. */
const KEYS_PER_CALL = 100;
const MAX_ATTEMPTS = 10;

/**
 * Reads many items by key: chunks of 100 read in parallel (one round of calls), unprocessed keys
 * retried with a short backoff. Missing items are simply absent from the result.
 * @throws Error when the store keeps returning unprocessed keys.
 */
export async function batchGetItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  wanted: readonly Record<string, unknown>[],
  options: { consistent?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const unique = [...new Map(wanted.map((key) => [JSON.stringify(key), key])).values()];
  const chunks = Array.from({ length: Math.ceil(unique.length / KEYS_PER_CALL) }, (_, i) =>
    unique.slice(i * KEYS_PER_CALL, (i + 1) * KEYS_PER_CALL),
  );
  const pages = await Promise.all(
    chunks.map(async (chunk) => {
      const items: Record<string, unknown>[] = [];
      let pending: Record<string, unknown>[] | undefined = chunk;
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
        if (attempt > 0) await sleep(10 * 2 ** attempt);
        const result: BatchGetCommandOutput = await db.send(
          new BatchGetCommand({
            RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistent ?? false } },
          }),
        );
        items.push(...(result.Responses?.[tableName] ?? []));
        pending = result.UnprocessedKeys?.[tableName]?.Keys;
      }
      return items;
    }),
  );
  return pages.flat();
}
