import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import type { RoutedConsumer, RouterOptions } from "../../functions/streams/router.ts";
import { streamRouterHandler } from "../../functions/streams/router-handler.ts";
import { consumersOf, type StreamConsumerEntry, type StreamRouterEntry } from "../manifest.ts";
import { loadHandler } from "./handlers.ts";
import { lambdaContext } from "./lambda-context.ts";

export interface StreamPollerOptions {
  client: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  routers: readonly StreamRouterEntry[];
  consumers: readonly StreamConsumerEntry[];
  /** Where each router's position is remembered between runs; omitted means start at the oldest record. */
  checkpointFile?: string;
  idleMs?: number;
  /** Passed to the router (tests make its backoff instant). */
  routerOptions?: RouterOptions;
}

/** The consumers of the manifest, each calling its handler module as the router's entry does in AWS. */
export function localConsumers(entries: readonly StreamConsumerEntry[]): RoutedConsumer[] {
  return entries.map((entry) => ({
    entry,
    handler: async (event, context) => (await loadHandler(entry.handler))(event, context),
  }));
}

/** Lambda's shape of a stream record (epoch-second timestamps, JSON attribute values). */
function toLambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "local",
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: data?.ApproximateCreationDateTime
        ? Math.floor(data.ApproximateCreationDateTime.getTime() / 1000)
        : undefined,
      Keys: data?.Keys,
      NewImage: data?.NewImage,
      OldImage: data?.OldImage,
      SequenceNumber: data?.SequenceNumber,
      SizeBytes: data?.SizeBytes,
      StreamViewType: data?.StreamViewType,
    },
  } as DynamoDBRecord;
}

/** A router batch that could not be finished is tried again after this long, doubling up to a minute. */
const RETRY_BASE_MS = 500;

/** One reader of the stream: a router, its consumers' handlers and where it stands in each shard. */
interface Reader {
  entry: StreamRouterEntry;
  route: ReturnType<typeof streamRouterHandler>;
  /** shardId -> last sequence number the router finished. */
  positions: Record<string, string>;
  /** shardId -> attempts on the batch it could not finish. */
  failedBatches: Map<string, number>;
}

/**
 * The local stand-in for Lambda's DynamoDB event source mappings of the stream routers: the
 * table's readers. Each reads every shard in batches of its size and invokes the same router the
 * Lambda function runs (every consumer of its own whose filter passes, failures stored for a
 * replay). A batch a router hands back (the failure store unreachable) is retried from its first
 * unfinished record with a growing pause; locally nothing is ever skipped.
 */
export class StreamPoller {
  private readonly readers: Reader[];
  private running = false;
  /** Set by `stop`: the pass in progress ends after the batch in hand. */
  private stopping = false;
  private loop: Promise<void> | undefined;
  private idle: AbortController | undefined;
  private streamArn: string | undefined;

  constructor(private readonly options: StreamPollerOptions) {
    const saved = this.loadCheckpoints();
    this.readers = options.routers.map((entry) => ({
      entry,
      route: streamRouterHandler(
        localConsumers(consumersOf(entry.name, options)),
        undefined,
        options.routerOptions,
      ),
      positions: saved[entry.name] ?? {},
      failedBatches: new Map(),
    }));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const handled = await this.pollOnce().catch((error: unknown) => {
          console.error("stream poller error", error);
          return 0;
        });
        if (handled === 0 && this.running) {
          this.idle = new AbortController();
          await sleep(this.options.idleMs ?? 200, undefined, { signal: this.idle.signal }).catch(() => {});
        }
      }
    })();
  }

  /**
   * Stops polling once the batch in hand is done (its consumers finish and the position is
   * saved); records not handed over yet wait for the next start.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.idle?.abort();
    await this.loop;
    this.stopping = false;
  }

  /** Forgets every router's position, so the next pass redelivers from the oldest record. */
  rewind(): void {
    for (const reader of this.readers) reader.positions = {};
  }

  /** Polls until a full pass finds no records: every change so far has reached every consumer. */
  async drain(maxPasses = 100): Promise<void> {
    for (let pass = 0; pass < maxPasses; pass++) {
      if ((await this.pollOnce()) === 0) return;
    }
    throw new Error("streams did not drain");
  }

  /** One pass over every shard; returns how many records were handed over. */
  async pollOnce(): Promise<number> {
    const arn = await this.resolveStreamArn();
    const { StreamDescription } = await this.options.streams.send(
      new DescribeStreamCommand({ StreamArn: arn }),
    );
    let handled = 0;
    for (const shard of StreamDescription?.Shards ?? []) {
      for (const reader of this.readers) {
        if (!shard.ShardId || this.stopping) continue;
        handled += await this.pollShard(arn, shard.ShardId, reader);
      }
    }
    if (handled > 0) this.saveCheckpoints();
    return handled;
  }

  private async resolveStreamArn(): Promise<string> {
    if (this.streamArn) return this.streamArn;
    const { Table } = await this.options.client.send(
      new DescribeTableCommand({ TableName: this.options.tableName }),
    );
    if (!Table?.LatestStreamArn) throw new Error(`table ${this.options.tableName} has no stream`);
    this.streamArn = Table.LatestStreamArn;
    return this.streamArn;
  }

  private async pollShard(arn: string, shardId: string, reader: Reader): Promise<number> {
    const after = reader.positions[shardId];
    const iterator = (position: string | undefined) =>
      this.options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: arn,
          ShardId: shardId,
          ...(position
            ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: position }
            : { ShardIteratorType: "TRIM_HORIZON" }),
        }),
      );
    // A checkpoint from another store (the data folder was reset) is not valid here: start over.
    const { ShardIterator } = await iterator(after).catch(() => {
      delete reader.positions[shardId];
      return iterator(undefined);
    });
    if (!ShardIterator) return 0;
    const { Records = [] } = await this.options.streams.send(
      new GetRecordsCommand({ ShardIterator, Limit: reader.entry.batchSize }),
    );
    if (Records.length === 0) return 0;
    const batch = Records.map((r) => toLambdaRecord(r, arn));
    const context = lambdaContext(reader.entry.name, reader.entry.timeoutSeconds * 1000);
    const response = await reader.route({ Records: batch }, context).catch((error: unknown) => {
      console.error("stream router threw; the whole batch will be retried", error);
      return { batchItemFailures: batch.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? "" })) };
    });
    const failed = new Set(
      ("batchItemFailures" in response ? response.batchItemFailures : []).map((f) => f.itemIdentifier),
    );
    const firstFailed = batch.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ""));
    const done = firstFailed === -1 ? batch : batch.slice(0, firstFailed);
    const last = done.at(-1)?.dynamodb?.SequenceNumber;
    if (last) reader.positions[shardId] = last;
    if (firstFailed !== -1) {
      const attempts = (reader.failedBatches.get(shardId) ?? 0) + 1;
      reader.failedBatches.set(shardId, attempts);
      const wait = Math.min(60_000, RETRY_BASE_MS * 2 ** (attempts - 1));
      console.error(
        `${reader.entry.name} could not finish a batch (attempt ${attempts}); retrying from its first unfinished record in ${wait} ms`,
      );
      if (!this.stopping) await sleep(wait);
    } else {
      reader.failedBatches.delete(shardId);
    }
    return done.length;
  }

  private loadCheckpoints(): Record<string, Record<string, string>> {
    const file = this.options.checkpointFile;
    if (!file || !existsSync(file)) return {};
    try {
      return JSON.parse(readFileSync(file, "utf8"));
    } catch {
      return {};
    }
  }

  private saveCheckpoints(): void {
    const file = this.options.checkpointFile;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify(Object.fromEntries(this.readers.map((r) => [r.entry.name, r.positions]))),
    );
  }
}

export function streamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({
    endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
}
