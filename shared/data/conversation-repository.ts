import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { NotFoundError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import {
  type Conversation,
  type ConversationEntry,
  type ConversationReport,
  conversationEntrySchema,
  conversationReportSchema,
  conversationSchema,
  type Message,
  messageSchema,
} from "../domain/conversations/conversation.ts";
import type { ConversationRepository, SendOutcome, SendWrite } from "../domain/conversations/ports.ts";
import { batchGetItems } from "./batch-get.ts";
import { cancellationCodes, transactUnlessRefused } from "./cancellation.ts";
import { newestFirstPage, storePaging } from "./cursor.ts";
import { inboxDeliveryItems } from "./inbox-repository.ts";
import { keys } from "./keys.ts";
import { table } from "./table.ts";

/** The table's TTL attribute: epoch seconds. */
function epochSeconds(iso: string): number {
  return Math.floor(new Date(iso).getTime() / 1000);
}

const WHOLE_CITY = "ALL";
const DAY_SECONDS = 24 * 60 * 60;

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const {
    pk: _pk,
    sk: _sk,
    entity: _entity,
    [table.ttlAttribute]: _ttl,
    convoMemberPk: _a,
    convoMemberSk: _b,
    ...rest
  } = item;
  return rest;
}

export class DynamoConversationRepository implements ConversationRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(conversationId: string): Promise<Conversation | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.conversation(conversationId) }),
    );
    return result.Item ? conversationSchema.parse(strip(result.Item)) : undefined;
  }

  async entry(memberId: string, conversationId: string): Promise<ConversationEntry | undefined> {
    const result = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.conversationEntry(memberId, conversationId) }),
    );
    return result.Item ? conversationEntrySchema.parse(strip(result.Item)) : undefined;
  }

  async send(write: SendWrite): Promise<SendOutcome> {
    const { conversation, message, senderId } = write;
    const id = conversation.conversationId;
    const at = message.createdAt;
    const expiresAt = epochSeconds(conversation.retainUntil);
    const guard = keys.conversationClientId(id, senderId, message.clientMessageId);
    const common =
      "SET entity = :entity, memberId = :member, conversationId = :id, #source = :source, #others = :others, #category = :category, lastActivityAt = :at, retainUntil = :retain, #ttl = :exp, convoMemberPk = :gpk, convoMemberSk = :gsk";
    const entryUpdate = (memberId: string, sender: boolean) => {
      const others = conversation.parties.filter((p) => p !== memberId);
      return {
        Update: {
          TableName: this.tableName,
          Key: keys.conversationEntry(memberId, id),
          // Written whole each time (an upsert), so the first message creates every entry.
          UpdateExpression: sender
            ? `${common}, unread = :zero, lastReadAt = :at, noticeOpen = :false`
            : `${common}, unread = if_not_exists(unread, :zero) + :one, noticeOpen = if_not_exists(noticeOpen, :false)`,
          ExpressionAttributeNames: {
            "#source": "source",
            "#others": "others",
            "#category": "category",
            "#ttl": table.ttlAttribute,
          },
          ExpressionAttributeValues: {
            ":entity": "ConversationEntry",
            ":member": memberId,
            ":id": id,
            ":source": conversation.source,
            ":others": others,
            ":category": conversation.category,
            ":at": at,
            ":retain": conversation.retainUntil,
            ":exp": expiresAt,
            ":gpk": keys.conversationsByMember(memberId),
            ":gsk": keys.conversationsByMemberSk(at, id),
            ":zero": 0,
            ":false": false,
            ...(sender ? {} : { ":one": 1 }),
          },
        },
      };
    };
    const header = write.isNew
      ? {
          Put: {
            TableName: this.tableName,
            Item: {
              ...keys.conversation(id),
              entity: "Conversation",
              ...conversation,
              [table.ttlAttribute]: expiresAt,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        }
      : {
          Update: {
            TableName: this.tableName,
            Key: keys.conversation(id),
            UpdateExpression:
              "SET lastActivityAt = :at, retainUntil = :retain, #ttl = :exp ADD messageCount :one",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: { "#ttl": table.ttlAttribute },
            ExpressionAttributeValues: {
              ":at": at,
              ":retain": conversation.retainUntil,
              ":exp": expiresAt,
              ":one": 1,
            },
          },
        };
    const items = [
      // 0: one message per (sender, client message id)
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...guard,
            entity: "ConversationClientId",
            messageId: message.messageId,
            [table.ttlAttribute]: expiresAt,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      // 1: the sender's daily count, under their limit even when sends race
      {
        Update: {
          TableName: this.tableName,
          Key: keys.messageDay(senderId, write.day),
          UpdateExpression: "SET entity = :entity, #ttl = :exp ADD sent :one",
          ConditionExpression: "attribute_not_exists(sent) OR sent < :limit",
          ExpressionAttributeNames: { "#ttl": table.ttlAttribute },
          ExpressionAttributeValues: {
            ":entity": "MessageDay",
            ":exp": epochSeconds(at) + 2 * DAY_SECONDS,
            ":one": 1,
            ":limit": write.dailyLimit,
          },
        },
      },
      // 2: the message
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.conversationMessage(id, message.messageId), entity: "Message", ...message },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      // 3: the conversation
      header,
      // every party's entry, the sender's first
      entryUpdate(senderId, true),
      ...write.recipients.map((r) => entryUpdate(r, false)),
      // each recipient still active and not blocking the sender
      ...write.recipients.map((r) => ({
        ConditionCheck: {
          TableName: this.tableName,
          Key: keys.member(r),
          ConditionExpression: "#status = :active AND NOT contains(blocked, :sender)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":active": "active", ":sender": senderId },
        },
      })),
    ];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return { result: "sent" };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = cancellationCodes(error);
      // Anything but a failed condition (or a racing transaction) is a fault, not an answer.
      if (codes.some((c) => c !== "None" && c !== "ConditionalCheckFailed" && c !== "TransactionConflict")) {
        throw error;
      }
      const failed = (index: number) => codes[index] === "ConditionalCheckFailed";
      if (failed(0)) {
        const existing = await this.byClientId(id, senderId, message.clientMessageId);
        if (existing) return { result: "duplicate", existing };
        return { result: "stale" };
      }
      if (failed(3)) return { result: "stale" };
      if (codes.slice(4 + 1 + write.recipients.length).some((c) => c === "ConditionalCheckFailed")) {
        return { result: "closed" };
      }
      if (failed(1)) return { result: "limit" };
      return { result: "stale" };
    }
  }

  private async byClientId(
    conversationId: string,
    senderId: string,
    clientMessageId: string,
  ): Promise<Message | undefined> {
    const guard = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.conversationClientId(conversationId, senderId, clientMessageId),
        ConsistentRead: true,
      }),
    );
    const messageId = guard.Item?.messageId;
    if (typeof messageId !== "string") return undefined;
    const found = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.conversationMessage(conversationId, messageId),
        ConsistentRead: true,
      }),
    );
    return found.Item ? messageSchema.parse(strip(found.Item)) : undefined;
  }

  async messages(conversationId: string, page: PageRequest): Promise<Page<Message>> {
    const first = keys.conversationMessage(conversationId, "");
    return newestFirstPage(this.db, this.tableName, { pk: first.pk, prefix: first.sk }, page, (item) =>
      messageSchema.parse(strip(item)),
    );
  }

  async messagesById(conversationId: string, messageIds: readonly string[]): Promise<Message[]> {
    if (messageIds.length === 0) return [];
    const items = await batchGetItems(
      this.db,
      this.tableName,
      messageIds.map((m) => keys.conversationMessage(conversationId, m)),
    );
    return items.map((item) => messageSchema.parse(strip(item)));
  }

  async listFor(memberId: string, page: PageRequest): Promise<Page<ConversationEntry>> {
    const partition = keys.conversationsByMember(memberId);
    const sample = keys.conversationEntry(memberId, "");
    const paging = storePaging({
      index: "conversationsByMember",
      partition,
      item: { pk: { equals: sample.pk }, sk: { prefix: sample.sk } },
    });
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "conversationsByMember",
        KeyConditionExpression: "convoMemberPk = :pk",
        ExpressionAttributeValues: { ":pk": partition },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: paging.start(page.cursor),
      }),
    );
    const nextCursor = paging.next(result.LastEvaluatedKey);
    return {
      items: (result.Items ?? []).map((item) => conversationEntrySchema.parse(strip(item))),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async markRead(memberId: string, conversationId: string, at: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.conversationEntry(memberId, conversationId),
          UpdateExpression: "SET unread = :zero, lastReadAt = :at, noticeOpen = :false",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":zero": 0, ":at": at, ":false": false },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new NotFoundError("No such conversation");
      throw error;
    }
  }

  async claimNotice(
    memberId: string,
    conversationId: string,
    notice: InboxDelivery,
  ): Promise<"told" | "already"> {
    const written = await transactUnlessRefused(this.db, [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.conversationEntry(memberId, conversationId),
          UpdateExpression: "SET noticeOpen = :true",
          // Only one notice until the member reads: the fatigue budget of conversations.
          ConditionExpression: "attribute_exists(pk) AND unread > :zero AND noticeOpen = :false",
          ExpressionAttributeValues: { ":true": true, ":false": false, ":zero": 0 },
        },
      },
      ...inboxDeliveryItems(this.tableName, notice.notification, notice.dedupeKey),
    ]);
    return written ? "told" : "already";
  }

  private reportQueueItems(report: ConversationReport) {
    return [WHOLE_CITY, ...report.areas].map((scope) =>
      keys.conversationReportQueue(scope, report.createdAt, report.reportId),
    );
  }

  async report(report: ConversationReport): Promise<void> {
    const item = { ...keys.conversationReport(report.conversationId, report.reportId), ...report };
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: { ...item, entity: "ConversationReport" },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
          ...this.reportQueueItems(report).map((key) => ({
            Put: {
              TableName: this.tableName,
              Item: {
                ...key,
                entity: "ReportQueueEntry",
                conversationId: report.conversationId,
                reportId: report.reportId,
                report,
              },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          })),
          {
            Update: {
              TableName: this.tableName,
              Key: keys.conversation(report.conversationId),
              // The reported areas' coordinators may now read the conversation.
              UpdateExpression: "SET reportAreas = list_append(if_not_exists(reportAreas, :none), :areas)",
              ConditionExpression: "attribute_exists(pk)",
              ExpressionAttributeValues: { ":none": [], ":areas": report.areas },
            },
          },
        ],
      }),
    );
  }

  async getReport(conversationId: string, reportId: string): Promise<ConversationReport | undefined> {
    const result = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.conversationReport(conversationId, reportId),
        ConsistentRead: true,
      }),
    );
    return result.Item ? conversationReportSchema.parse(strip(result.Item)) : undefined;
  }

  async openReports(area: string | undefined, page: PageRequest): Promise<Page<ConversationReport>> {
    const partition = keys.conversationReportQueue(area ?? WHOLE_CITY, "", "").pk;
    const paging = storePaging({ partition });
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": partition },
        Limit: page.limit,
        ExclusiveStartKey: paging.start(page.cursor),
      }),
    );
    const nextCursor = paging.next(result.LastEvaluatedKey);
    return {
      items: (result.Items ?? []).map((item) => conversationReportSchema.parse(item.report)),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async decide(report: ConversationReport): Promise<"decided" | "stale"> {
    const written = await transactUnlessRefused(this.db, [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.conversationReport(report.conversationId, report.reportId),
            entity: "ConversationReport",
            ...report,
          },
          ConditionExpression: "attribute_exists(pk) AND #status = :open",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":open": "open" },
        },
      },
      ...this.reportQueueItems(report).map((key) => ({
        Delete: { TableName: this.tableName, Key: key },
      })),
    ]);
    return written ? "decided" : "stale";
  }

  /** Every item of a partition whose sort key starts with `prefix` (all pages), keys only. */
  private async keysOf(pk: string, prefix: string, filter?: { senderId: string }) {
    const found: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ...(filter ? { FilterExpression: "senderId = :sender" } : {}),
          ExpressionAttributeValues: {
            ":pk": pk,
            ":prefix": prefix,
            ...(filter ? { ":sender": filter.senderId } : {}),
          },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of result.Items ?? []) found.push(item);
      start = result.LastEvaluatedKey;
    } while (start);
    return found;
  }

  private async deleteAll(keyList: readonly Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < keyList.length; i += 25) {
      let pending = keyList.slice(i, i + 25).map((key) => ({ DeleteRequest: { Key: key } }));
      for (let attempt = 0; pending.length > 0 && attempt < 10; attempt++) {
        const result = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = (result.UnprocessedItems?.[this.tableName] ?? []).flatMap((r) =>
          r.DeleteRequest?.Key ? [{ DeleteRequest: { Key: r.DeleteRequest.Key } }] : [],
        );
      }
      if (pending.length > 0) throw new Error(`BatchWriteItem left ${pending.length} deletes unprocessed`);
    }
  }

  async eraseMember(memberId: string, conversationId: string): Promise<number> {
    const pk = keys.conversation(conversationId).pk;
    const messages = await this.keysOf(pk, keys.conversationMessage(conversationId, "").sk, {
      senderId: memberId,
    });
    const guards = await this.keysOf(pk, keys.conversationClientId(conversationId, memberId, "").sk);
    const toDelete = [...messages, ...guards].map((item) => ({ pk: item.pk, sk: item.sk }));
    await this.deleteAll([...toDelete, keys.conversationEntry(memberId, conversationId)]);
    return messages.length;
  }

  async erase(conversation: Conversation): Promise<number> {
    const pk = keys.conversation(conversation.conversationId).pk;
    const items = await this.keysOf(pk, "");
    const queueEntries = items
      .filter((item) => item.entity === "ConversationReport" && item.status === "open")
      .flatMap((item) => this.reportQueueItems(conversationReportSchema.parse(strip(item))));
    await this.deleteAll([
      ...items.map((item) => ({ pk: item.pk, sk: item.sk })),
      ...queueEntries,
      ...conversation.parties.map((p) => keys.conversationEntry(p, conversation.conversationId)),
    ]);
    return items.filter((item) => item.entity === "Message").length;
  }
}
