import { gunzipSync, gzipSync } from "node:zlib";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import { type RuntimeConfig, runtimeConfig } from "../config/runtime.ts";
import { STREAM_FAILURE_ENTITY, type StreamFailure, type StreamFailureStore } from "../stream-failures.ts";
import { createDocumentClient } from "./client.ts";
import { storePaging } from "./cursor.ts";
import { keys } from "./keys.ts";

const PARTITION = keys.streamFailure("", "").pk;

// An item holds at most 400 KB. A record (old and new image) is kept as JSON text where it fits
// comfortably, gzipped where it does not, and only by its key where not even that fits.
const PLAIN_LIMIT = 300_000;
const GZIP_LIMIT = 350_000;

function encodeRecord(record: DynamoDBRecord | undefined): Record<string, unknown> {
  if (!record) return { recordEncoding: "none" };
  const json = JSON.stringify(record);
  if (Buffer.byteLength(json) <= PLAIN_LIMIT) return { record: json, recordEncoding: "json" };
  const packed = gzipSync(json);
  if (packed.byteLength <= GZIP_LIMIT) return { record: packed, recordEncoding: "gzip-json" };
  return { recordEncoding: "none" };
}

function decodeRecord(item: Record<string, unknown>): DynamoDBRecord | undefined {
  const { record, recordEncoding } = item;
  if (recordEncoding === "json" && typeof record === "string") return JSON.parse(record);
  if (recordEncoding === "gzip-json" && record instanceof Uint8Array)
    return JSON.parse(gunzipSync(record).toString("utf8"));
  return undefined;
}

function toFailure(item: Record<string, unknown>): StreamFailure {
  const text = (name: string) => (typeof item[name] === "string" ? (item[name] as string) : "");
  const count = (name: string) => (typeof item[name] === "number" ? (item[name] as number) : 0);
  const error = (item.error ?? {}) as { name?: unknown; message?: unknown };
  return {
    failureId: text("failureId"),
    consumer: text("consumer"),
    eventId: text("eventId"),
    sequenceNumber: text("sequenceNumber"),
    eventName: text("eventName"),
    itemKey: (item.itemKey ?? {}) as Record<string, string>,
    record: decodeRecord(item),
    error: { name: String(error.name ?? "Error"), message: String(error.message ?? "") },
    attempts: count("attempts"),
    firstFailedAt: text("firstFailedAt"),
    lastFailedAt: text("lastFailedAt"),
    occurrences: count("occurrences"),
    replayAttempts: count("replayAttempts"),
  };
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

export class DynamoStreamFailureRepository implements StreamFailureStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async store(failure: StreamFailure): Promise<"stored" | "exists"> {
    const { record, ...rest } = failure;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.streamFailure(failure.consumer, failure.eventId),
            entity: STREAM_FAILURE_ENTITY,
            ...rest,
            ...encodeRecord(record),
          },
          // Create-only: a redelivered batch failing again must not overwrite the first failure.
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return "stored";
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.streamFailure(failure.consumer, failure.eventId),
        UpdateExpression: "SET occurrences = occurrences + :one, lastFailedAt = :at, #error = :error",
        ExpressionAttributeNames: { "#error": "error" },
        ExpressionAttributeValues: { ":one": 1, ":at": failure.lastFailedAt, ":error": failure.error },
      }),
    );
    return "exists";
  }

  async list(consumer: string | undefined, page: PageRequest): Promise<Page<StreamFailure>> {
    const paging = storePaging({
      partition: PARTITION,
      ...(consumer ? { sort: { prefix: `${consumer}#` } } : {}),
    });
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: consumer ? "pk = :pk AND begins_with(sk, :consumer)" : "pk = :pk",
        ExpressionAttributeValues: {
          ":pk": PARTITION,
          ...(consumer ? { ":consumer": `${consumer}#` } : {}),
        },
        Limit: page.limit,
        ExclusiveStartKey: paging.start(page.cursor),
        ConsistentRead: true,
      }),
    );
    return {
      items: (result.Items ?? []).map(toFailure),
      nextCursor: paging.next(result.LastEvaluatedKey),
    };
  }

  async count(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    let start: Record<string, unknown> | undefined;
    do {
      // Only the consumer name of each item: the records stay where they are.
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": PARTITION },
          ProjectionExpression: "consumer",
          ExclusiveStartKey: start,
        }),
      );
      for (const item of result.Items ?? []) {
        const name = String(item.consumer ?? "");
        counts[name] = (counts[name] ?? 0) + 1;
      }
      start = result.LastEvaluatedKey;
    } while (start);
    return counts;
  }

  async claim(failureId: string, token: string, now: string, until: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: PARTITION, sk: failureId },
          UpdateExpression: "SET claimToken = :token, claimedUntil = :until",
          // Free, or its claim ran out (a replay that died mid-way holds nothing for ever).
          ConditionExpression:
            "attribute_exists(pk) AND (attribute_not_exists(claimedUntil) OR claimedUntil < :now)",
          ExpressionAttributeValues: { ":token": token, ":until": until, ":now": now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async remove(failureId: string, token: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: PARTITION, sk: failureId },
        ConditionExpression: "claimToken = :token",
        ExpressionAttributeValues: { ":token": token },
      }),
    );
  }

  async release(failureId: string, token: string, error: StreamFailure["error"], at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: PARTITION, sk: failureId },
        UpdateExpression:
          "SET replayAttempts = replayAttempts + :one, #error = :error, lastFailedAt = :at REMOVE claimToken, claimedUntil",
        ConditionExpression: "claimToken = :token",
        ExpressionAttributeNames: { "#error": "error" },
        ExpressionAttributeValues: { ":one": 1, ":error": error, ":at": at, ":token": token },
      }),
    );
  }

  async currentImage(itemKey: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: itemKey, ConsistentRead: true }),
    );
    return Item
      ? marshall(Item, { removeUndefinedValues: true, convertClassInstanceToMap: true })
      : undefined;
  }
}

let built: { config: RuntimeConfig; store: DynamoStreamFailureRepository } | undefined;

/** The failure store of this process's table, built once (rebuilt when the configuration changes). */
export function productionFailureStore(): { cityId: string; failures: StreamFailureStore } {
  const config = runtimeConfig();
  if (built?.config !== config) {
    built = {
      config,
      store: new DynamoStreamFailureRepository(createDocumentClient(config.endpoint), config.tableName),
    };
  }
  return { cityId: config.city.id, failures: built.store };
}
