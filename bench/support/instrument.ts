import { documentClient, localClient } from "./client.ts";

/** One DynamoDB call as the recorder saw it. */
export interface Call {
  command: string;
  /** One more than the deepest call that had finished when it started. */
  depth: number;
  readCapacity: number;
  writeCapacity: number;
  itemsRead: number;
  itemsWritten: number;
  /** The call threw (a refused conditional write, say); recorded only with `recordFailed`. */
  failed: boolean;
  /** What a read read: the partition key's prefix (before the first `#`) of its first key, if any. */
  kind: string;
  /** Keys a read asked for (a BatchGetItem's keys, a GetItem's one). */
  keysAsked: number;
}

export const READ_COMMANDS: ReadonlySet<string> = new Set([
  "QueryCommand",
  "ScanCommand",
  "GetItemCommand",
  "BatchGetItemCommand",
  "TransactGetItemsCommand",
]);
export const WRITE_COMMANDS: ReadonlySet<string> = new Set([
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "TransactWriteItemsCommand",
  "BatchWriteItemCommand",
]);

/** The calls made while `on`, with their sequential depth. */
export class Recorder {
  calls: Call[] = [];
  private finishedDepths: number[] = [];
  on = false;
  reset(): void {
    this.calls = [];
    this.finishedDepths = [];
  }
  /** A call's depth: one more than the deepest call that had finished when it started. */
  start(): number {
    return 1 + Math.max(0, ...this.finishedDepths);
  }
  finish(call: Call): void {
    this.finishedDepths.push(call.depth);
    this.calls.push(call);
  }
}

/** Capacity units a call's output reports, over every table and index. */
export function capacityOf(output: unknown): number {
  const consumed = (output as { ConsumedCapacity?: unknown } | undefined)?.ConsumedCapacity;
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, c: { CapacityUnits?: number }) => sum + (c.CapacityUnits ?? 0), 0);
}

/** How a bench counts the items a read call read. */
export type ItemsRead = (command: string, output: unknown) => number;

/**
 * Items examined: a Query's `ScannedCount` (items read before any filter) and a GetItem's item;
 * other reads count none.
 */
export const itemsScanned: ItemsRead = (command, output) => {
  const o = (output ?? {}) as { ScannedCount?: number; Item?: unknown };
  if (command === "QueryCommand") return o.ScannedCount ?? 0;
  if (command === "GetItemCommand") return o.Item ? 1 : 0;
  return 0;
};

/**
 * Items returned: a Query's or Scan's `Count`, a GetItem's item, and every item a BatchGetItem or
 * TransactGetItems returns. `Count`, not `ScannedCount`: the embedded store counts one item too
 * many per page boundary, and with no filter the two are equal in DynamoDB.
 */
export const itemsReturned: ItemsRead = (command, output) => {
  const o = (output ?? {}) as { Count?: number; Item?: unknown; Responses?: unknown };
  if (command === "QueryCommand" || command === "ScanCommand") return o.Count ?? 0;
  if (command === "GetItemCommand") return o.Item ? 1 : 0;
  if (command === "BatchGetItemCommand" && o.Responses && typeof o.Responses === "object") {
    return Object.values(o.Responses).reduce(
      (n: number, list: unknown) => n + (Array.isArray(list) ? list.length : 0),
      0,
    );
  }
  if (command === "TransactGetItemsCommand" && Array.isArray(o.Responses)) return o.Responses.length;
  return 0;
};

/** The partition key prefix of a read's first key, and how many keys it asked for. */
export function keysOf(command: string, input: unknown): { kind: string; keysAsked: number } {
  const i = (input ?? {}) as {
    Key?: Record<string, unknown>;
    RequestItems?: Record<string, { Keys?: Record<string, unknown>[] }>;
    KeyConditionExpression?: string;
  };
  const prefixOf = (key: Record<string, unknown> | undefined) => {
    const pk = key?.pk as { S?: string } | string | undefined;
    const text = typeof pk === "string" ? pk : pk?.S;
    return text ? (text.split("#")[0] ?? "") : "";
  };
  if (command === "GetItemCommand") return { kind: prefixOf(i.Key), keysAsked: 1 };
  if (command === "BatchGetItemCommand") {
    const keys = Object.values(i.RequestItems ?? {}).flatMap((r) => r.Keys ?? []);
    return { kind: prefixOf(keys[0]), keysAsked: keys.length };
  }
  return { kind: command === "QueryCommand" ? "query" : "", keysAsked: 0 };
}

/** Items a write call asked to write: one per transaction or batch entry, else one. */
export function itemsWrittenOf(command: string, input: unknown): number {
  const i = input as { TransactItems?: unknown[]; RequestItems?: Record<string, unknown[]> };
  if (command === "TransactWriteItemsCommand") return i.TransactItems?.length ?? 0;
  if (command === "BatchWriteItemCommand") {
    return Object.values(i.RequestItems ?? {}).reduce((n, list) => n + list.length, 0);
  }
  return WRITE_COMMANDS.has(command) ? 1 : 0;
}

export interface InstrumentOptions {
  /** The ReturnConsumedCapacity asked for where the caller asked for none. */
  returnConsumedCapacity: "TOTAL" | "INDEXES";
  itemsRead: ItemsRead;
  /** Whether a call that throws is recorded (as `failed`) or left out. */
  recordFailed: boolean;
}

/**
 * A client on the embedded store whose data calls (reads and writes; not table management) are
 * recorded by `recorder` while it is on: command, sequential depth, capacity, items read/written.
 */
export function instrumentedClient(endpoint: string, recorder: Recorder, options: InstrumentOptions) {
  const client = localClient(endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? "unknown";
      if (!recorder.on || !(READ_COMMANDS.has(command) || WRITE_COMMANDS.has(command))) return next(args);
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= options.returnConsumedCapacity;
      const depth = recorder.start();
      const write = WRITE_COMMANDS.has(command);
      let output: unknown;
      let failed = false;
      try {
        const result = await next(args);
        output = result.output;
        return result;
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        if (!failed || options.recordFailed) {
          const capacity = capacityOf(output);
          recorder.finish({
            command,
            depth,
            readCapacity: write ? 0 : capacity,
            writeCapacity: write ? capacity : 0,
            itemsRead: options.itemsRead(command, output),
            itemsWritten: write ? itemsWrittenOf(command, args.input) : 0,
            failed,
            ...(write ? { kind: "", keysAsked: 0 } : keysOf(command, args.input)),
          });
        }
      }
    },
    { step: "initialize", name: "benchRecorder" },
  );
  return { client, db: documentClient(client) };
}
