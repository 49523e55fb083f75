import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Progress on stderr, prefixed with the bench's name and suffixed with the seconds since creation. */
export function progressLog(bench: string): (message: string) => void {
  const started = performance.now();
  return (message) =>
    console.error(`[bench] ${bench}: ${message} (${Math.round((performance.now() - started) / 1000)} s)`);
}

/** Runs `task(0..total-1)` in index order on a few workers, logging progress every tenth. */
export async function inParallel(
  log: (message: string) => void,
  label: string,
  total: number,
  task: (i: number) => Promise<void>,
  workers = 8,
): Promise<void> {
  let next = 0;
  let done = 0;
  let reported = 0;
  const worker = async () => {
    for (let i = next++; i < total; i = next++) {
      await task(i);
      done += 1;
      const tenth = Math.floor((done * 10) / total);
      if (tenth > reported) {
        reported = tenth;
        log(`${label} ${tenth * 10}%`);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}

export function chunked<T>(items: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, i * size + size),
  );
}

/** Puts `items` into `table` in batches of 25 on a few workers, retrying unprocessed items. */
export async function batchWrite(
  db: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
  label: string,
  log: (message: string) => void,
): Promise<void> {
  const chunks = chunked(items, 25);
  await inParallel(log, label, chunks.length, async (i) => {
    let pending = (chunks[i] ?? []).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const result = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] ?? []).flatMap((r) =>
        r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
      );
    }
  });
}
