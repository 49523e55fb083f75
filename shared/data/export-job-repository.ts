import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { IdempotencyRecord } from "#domain/ledger/idempotency.ts";
import { type ExportJob, exportJobSchema } from "#domain/privacy/export-job.ts";
import type { ExportJobRepository } from "#domain/privacy/ports.ts";
import * as z from "#shared/zod.ts";
import { transactUnlessRefused } from "./cancellation.ts";
import { idempotencyItem } from "./exchange-repository.ts";
import { keys } from "./keys.ts";
import { table } from "./table.ts";

/** A running job that never finishes (its steps failing until replayed) is deleted a week after it began. */
const ABANDONED_AFTER_SECONDS = 7 * 86_400;
const epochSeconds = (iso: string | Date) => Math.floor(new Date(iso).getTime() / 1000);
const markerSchema = z.object({ memberId: z.string(), jobId: z.string(), staleAt: z.iso.datetime() });

export class DynamoExportJobRepository implements ExportJobRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async start(
    job: ExportJob,
    staleAt: Date,
    now: Date,
    idempotency: IdempotencyRecord | undefined,
  ): Promise<boolean> {
    // Refused (false) when another job holds the member's marker; a stored idempotency record is
    // thrown, and the caller answers what it stored.
    return transactUnlessRefused(
      this.db,
      [
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.exportJob(job.memberId, job.jobId),
              entity: "ExportJob",
              ...job,
              [table.ttlAttribute]: epochSeconds(job.createdAt) + ABANDONED_AFTER_SECONDS,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        {
          // One running job per member: the marker is taken unless a job that went stale holds it.
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.exportRunning(job.memberId),
              entity: "ExportRunning",
              memberId: job.memberId,
              jobId: job.jobId,
              staleAt: staleAt.toISOString(),
              [table.ttlAttribute]: epochSeconds(staleAt) + 86_400,
            },
            ConditionExpression: "attribute_not_exists(pk) OR staleAt < :now",
            ExpressionAttributeValues: { ":now": now.toISOString() },
          },
        },
        ...(idempotency
          ? [
              {
                Put: {
                  TableName: this.tableName,
                  Item: idempotencyItem(idempotency),
                  ConditionExpression: "attribute_not_exists(pk)",
                },
              },
            ]
          : []),
      ],
      (codes) => codes[2] !== "ConditionalCheckFailed",
    );
  }

  async running(memberId: string, now: Date): Promise<ExportJob | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.exportRunning(memberId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const marker = markerSchema.parse(Item);
    if (Date.parse(marker.staleAt) <= now.getTime()) return undefined;
    const job = await this.get(memberId, marker.jobId);
    return job?.status === "running" ? job : undefined;
  }

  async listRunning(limit: number): Promise<{ memberId: string; jobId: string }[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :running)",
        ExpressionAttributeValues: { ":pk": keys.exportRunning("").pk, ":running": "RUNNING#" },
        Limit: limit,
      }),
    );
    return Items.map((item) => markerSchema.parse(item));
  }

  async get(memberId: string, jobId: string): Promise<ExportJob | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.exportJob(memberId, jobId),
        ConsistentRead: true,
      }),
    );
    return Item ? exportJobSchema.parse(Item) : undefined;
  }

  async advance(job: ExportJob, now: Date): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.exportJob(job.memberId, job.jobId),
          UpdateExpression: "SET sectionsDone = :next, updatedAt = :now",
          // Only from where the step read it: a redelivered step cannot count a section twice.
          ConditionExpression: "#status = :running AND sectionsDone = :done",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":next": job.sectionsDone + 1,
            ":done": job.sectionsDone,
            ":running": "running",
            ":now": now.toISOString(),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async finish(
    job: ExportJob,
    ready: { readyAt: string; expiresAt: string; archiveBytes: number },
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.exportJob(job.memberId, job.jobId),
          UpdateExpression:
            "SET #status = :ready, readyAt = :readyAt, updatedAt = :readyAt, expiresAt = :expiresAt, archiveBytes = :bytes, #ttl = :ttl",
          ConditionExpression: "#status = :running AND sectionsDone = sectionsTotal",
          ExpressionAttributeNames: { "#status": "status", "#ttl": table.ttlAttribute },
          ExpressionAttributeValues: {
            ":ready": "ready",
            ":running": "running",
            ":readyAt": ready.readyAt,
            ":expiresAt": ready.expiresAt,
            ":bytes": ready.archiveBytes,
            // The job goes with its link: the store removes it once the link has expired.
            ":ttl": epochSeconds(ready.expiresAt),
          },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.exportRunning(job.memberId),
          // A newer job may hold the marker (this one had gone stale): leave theirs.
          ConditionExpression: "jobId = :jobId",
          ExpressionAttributeValues: { ":jobId": job.jobId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return true;
  }
}
