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
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { functionName, passesFilter, type StreamConsumerEntry } from "../manifest.ts";
import { loadHandler } from "./handlers.ts";
import { lambdaContext } from "./lambda-context.ts";

export interface ParkedRecord {
  consumer: string;
  eventId: string;
  sequenceNumber: string;
  attempts: number;
  parkedAt: string;
  record: DynamoDBRecord;
}

export interface StreamPollerOptions {
  client: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  consumers: readonly StreamConsumerEntry[];
  /** Where each consumer's position is remembered between runs; omitted means start at the oldest record. */
  checkpointFile?: string;
  /** Parked records are appended here (JSON lines) as well as logged. */
  parkedFile?: string;
  onParked?: (parked: ParkedRecord) => void;
  idleMs?: number;
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

interface ConsumerState {
  entry: StreamConsumerEntry;
  /** shardId -> last sequence number handed over successfully (or parked). */
  positions: Record<string, string>;
  attempts: Map<string, number>;
}

/**
 * The local stand-in for Lambda's DynamoDB event source mapping: reads the table's stream, invokes
 * each consumer with batches, honours `batchItemFailures` by retrying from the first failed record,
 * and parks a record (logged, written to a file) once it has failed `maxRetries + 1` times.
 */
export class StreamPoller {
  private readonly states: ConsumerState[];
  private running = false;
  /** Set by `stop`: the pass in progress ends after the batch in hand. */
  private stopping = false;
  private loop: Promise<void> | undefined;
  private idle: AbortController | undefined;
  private streamArn: string | undefined;
  readonly parked: ParkedRecord[] = [];

  constructor(private readonly options: StreamPollerOptions) {
    const saved = this.loadCheckpoints();
    this.states = options.consumers.map((entry) => ({
      entry,
      positions: saved[entry.name] ?? {},
      attempts: new Map(),
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
   * Stops polling once the batch in hand is done (its consumer finishes and its position is
   * saved); records not handed over yet wait for the next start.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.stopping = true;
    this.idle?.abort();
    await this.loop;
    this.stopping = false;
  }

  /** Forgets every consumer's position, so the next pass redelivers from the oldest record. */
  rewind(): void {
    for (const state of this.states) state.positions = {};
  }

  /** Polls until a full pass finds no records: every change so far has reached every consumer. */
  async drain(maxPasses = 100): Promise<void> {
    for (let pass = 0; pass < maxPasses; pass++) {
      if ((await this.pollOnce()) === 0) return;
    }
    throw new Error("streams did not drain");
  }

  /** One pass over every shard for every consumer; returns how many records were handed over. */
  async pollOnce(): Promise<number> {
    const arn = await this.resolveStreamArn();
    const { StreamDescription } = await this.options.streams.send(
      new DescribeStreamCommand({ StreamArn: arn }),
    );
    let handled = 0;
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId) continue;
      for (const state of this.states) {
        if (this.stopping) break;
        handled += await this.pollShard(arn, shard.ShardId, state);
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

  private async pollShard(arn: string, shardId: string, state: ConsumerState): Promise<number> {
    const after = state.positions[shardId];
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
      delete state.positions[shardId];
      return iterator(undefined);
    });
    if (!ShardIterator) return 0;
    const { Records = [] } = await this.options.streams.send(
      new GetRecordsCommand({ ShardIterator, Limit: state.entry.batchSize }),
    );
    if (Records.length === 0) return 0;
    const batch = Records.map((r) => toLambdaRecord(r, arn)).filter((r) =>
      passesFilter(state.entry, {
        eventName: r.eventName,
        newEntity: r.dynamodb?.NewImage?.entity?.S,
        oldEntity: r.dynamodb?.OldImage?.entity?.S,
      }),
    );
    if (batch.length === 0) {
      // Nothing for this consumer: move past the records, as Lambda's filter drops them.
      const last = Records.at(-1)?.dynamodb?.SequenceNumber;
      if (last) state.positions[shardId] = last;
      return Records.length;
    }
    const failedFrom = await this.invoke(state.entry, batch);
    const succeeded = failedFrom === undefined ? batch : batch.slice(0, failedFrom);
    const last = succeeded.at(-1)?.dynamodb?.SequenceNumber;
    if (last) state.positions[shardId] = last;
    if (failedFrom !== undefined) {
      const failed = batch[failedFrom];
      const sequence = failed?.dynamodb?.SequenceNumber ?? "";
      const attempts = (state.attempts.get(sequence) ?? 0) + 1;
      state.attempts.set(sequence, attempts);
      if (failed && attempts > state.entry.maxRetries) {
        this.park(state.entry.name, failed, attempts);
        state.attempts.delete(sequence);
        state.positions[shardId] = sequence;
      }
    }
    return batch.length;
  }

  /** Invokes a consumer; returns the index of the first failed record, if any. */
  private async invoke(entry: StreamConsumerEntry, batch: DynamoDBRecord[]): Promise<number | undefined> {
    const handler = await loadHandler(entry.handler);
    const event: DynamoDBStreamEvent = { Records: batch };
    let response: DynamoDBBatchResponse | undefined;
    try {
      response = await handler(event, lambdaContext(functionName(entry.handler)));
    } catch (error) {
      console.error(`stream consumer ${entry.name} threw; the whole batch will be retried`, error);
      return 0;
    }
    const failures = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    if (failures.size === 0) return undefined;
    const index = batch.findIndex((r) => failures.has(r.dynamodb?.SequenceNumber ?? ""));
    return index === -1 ? 0 : index;
  }

  private park(consumer: string, record: DynamoDBRecord, attempts: number): void {
    const parked: ParkedRecord = {
      consumer,
      eventId: record.eventID ?? "",
      sequenceNumber: record.dynamodb?.SequenceNumber ?? "",
      attempts,
      parkedAt: new Date().toISOString(),
      record,
    };
    this.parked.push(parked);
    console.error(
      JSON.stringify({
        level: "error",
        message: "stream record parked after repeated failures",
        ...parked,
        record: undefined,
      }),
    );
    if (this.options.parkedFile) {
      mkdirSync(dirname(this.options.parkedFile), { recursive: true });
      writeFileSync(this.options.parkedFile, `${JSON.stringify(parked)}\n`, { flag: "a" });
    }
    this.options.onParked?.(parked);
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
      JSON.stringify(Object.fromEntries(this.states.map((s) => [s.entry.name, s.positions]))),
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
