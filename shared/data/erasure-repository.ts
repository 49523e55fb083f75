import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { exchangeSchema } from "#domain/exchanges/exchange.ts";
import type { Match } from "#domain/matching/match.ts";
import { type Notification, notificationSchema } from "#domain/notices/inbox.ts";
import { postSchema } from "#domain/posts/post.ts";
import { erasedPost } from "#domain/privacy/erasure.ts";
import type { ErasureStore } from "#domain/privacy/ports.ts";
import * as z from "#shared/zod.ts";
import { keys } from "./keys.ts";
import { postItemOf } from "./post-repository.ts";

const loginSchema = z.object({ subject: z.string() });
const shortlistSchema = z.object({ candidates: z.array(z.object({ candidateId: z.string() })) });

/** Replaces every quoted text in a string (plain text, not a pattern). */
function replaceAll(text: string, replacements: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [from, to] of replacements) out = out.split(from).join(to);
  return out;
}

export class DynamoErasureStore implements ErasureStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async loginsOf(memberId: string): Promise<string[]> {
    const items = await this.queryAll(keys.member(memberId).pk, keys.memberLoginPrefix);
    return items.map((item) => loginSchema.parse(item).subject);
  }

  async unlinkLogin(memberId: string, subject: string): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // Only this member's link: a subject linked elsewhere since is not ours to remove.
              Delete: {
                TableName: this.tableName,
                Key: keys.identity(subject),
                ConditionExpression: "attribute_not_exists(pk) OR memberId = :member",
                ExpressionAttributeValues: { ":member": memberId },
              },
            },
            { Delete: { TableName: this.tableName, Key: keys.memberLogin(memberId, subject) } },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === "TransactionCanceledException")) throw error;
      await this.db.send(
        new DeleteCommand({ TableName: this.tableName, Key: keys.memberLogin(memberId, subject) }),
      );
    }
  }

  async forgetMemberItems(memberId: string): Promise<number> {
    const partitions = [
      keys.notification(memberId, "").pk,
      keys.digestEntry(memberId, "").pk,
      keys.heldNotice(memberId, "").pk,
      keys.noticeRelease(memberId, "").pk,
      keys.matchBudget(memberId, "").pk,
      keys.matchSignals(memberId).pk,
      keys.exportJob(memberId, "").pk,
    ];
    const doomed: Record<string, unknown>[] = [
      keys.digestDue(memberId),
      keys.heldDue(memberId),
      // Export jobs (a step still to run finds none and stops); their objects go with them.
      keys.exportRunning(memberId),
    ];
    for (const pk of partitions) {
      for (const item of await this.queryAll(pk)) doomed.push({ pk: item.pk, sk: item.sk });
    }
    for (let i = 0; i < doomed.length; i += 25) {
      let pending: Record<string, unknown>[] | undefined = doomed
        .slice(i, i + 25)
        .map((Key) => ({ DeleteRequest: { Key } }));
      while (pending && pending.length > 0) {
        const result = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = result.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
      }
    }
    return doomed.length;
  }

  async erasePost(postId: string, at: string): Promise<void> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.post(postId), ConsistentRead: true }),
    );
    if (!Item) return;
    const post = postSchema.parse(Item);
    if (post.status === "open" || post.status === "paused") return;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: postItemOf(erasedPost(post, at)),
          // Unchanged since read: a post is never reopened once its owner closed.
          ConditionExpression: "updatedAt = :seen",
          ExpressionAttributeValues: { ":seen": post.updatedAt },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await this.erasePost(postId, at);
    }
  }

  async eraseMatch(
    match: Pick<Match, "matchId" | "candidateId" | "postOwnerId">,
    change: { postTitle?: string; dropReasons?: boolean },
  ): Promise<void> {
    const sets: string[] = [];
    const values: Record<string, unknown> = {};
    if (change.postTitle !== undefined) {
      sets.push("postTitle = :title");
      values[":title"] = change.postTitle;
    }
    if (change.dropReasons) {
      sets.push("why = :none");
      values[":none"] = [];
    }
    if (sets.length === 0) return;
    // The match, and its copies waiting in either side's digest.
    const copies = [
      keys.match(match.matchId),
      keys.digestEntry(match.candidateId, match.matchId),
      keys.digestEntry(match.postOwnerId, match.matchId),
    ];
    for (const key of copies) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: `SET ${sets.join(", ")}`,
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: values,
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }

  async forgetMatch(match: Pick<Match, "matchId" | "candidateId" | "postOwnerId">): Promise<void> {
    await Promise.all(
      [
        keys.match(match.matchId),
        keys.digestEntry(match.candidateId, match.matchId),
        keys.digestEntry(match.postOwnerId, match.matchId),
      ].map((key) => this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key }))),
    );
  }

  async dropFromShortlist(postId: string, memberId: string): Promise<void> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.shortlist(postId), ConsistentRead: true }),
    );
    if (!Item) return;
    const { candidates } = shortlistSchema.parse(Item);
    const index = candidates.findIndex((c) => c.candidateId === memberId);
    if (index < 0) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.shortlist(postId),
          UpdateExpression: `REMOVE candidates[${index}]`,
          ConditionExpression: `candidates[${index}].candidateId = :member`,
          ExpressionAttributeValues: { ":member": memberId },
        }),
      );
    } catch (error) {
      // The shortlist was rewritten meanwhile: look again.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      await this.dropFromShortlist(postId, memberId);
    }
  }

  async renameParty(exchangeId: string, memberId: string, displayName: string): Promise<void> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.exchange(exchangeId), ConsistentRead: true }),
    );
    if (!Item) return;
    const exchange = exchangeSchema.parse(Item);
    for (const [index, party] of exchange.parties.entries()) {
      if (party.memberId !== memberId || party.displayName === displayName) continue;
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.exchange(exchangeId),
          // By position, checked: the parties of an exchange never change order.
          UpdateExpression: `SET parties[${index}].displayName = :name`,
          ConditionExpression: `parties[${index}].memberId = :member`,
          ExpressionAttributeValues: { ":name": displayName, ":member": memberId },
        }),
      );
    }
  }

  async scrubNotices(
    inboxOwner: string,
    replacements: ReadonlyMap<string, string>,
    quotes: readonly string[],
  ): Promise<number> {
    const scrub = (notice: Notification) => scrubbedNotice(notice, replacements, quotes);
    let changed = 0;
    // The inbox: each notice quoting the member rewritten in place.
    const first = keys.notification(inboxOwner, "");
    for (const item of await this.queryAll(first.pk, first.sk)) {
      const notice = notificationSchema.parse(item);
      const next = scrub(notice);
      if (!next) continue;
      const fields = { title: next.title, body: next.body, params: next.params };
      const names = Object.keys(fields).filter((n) => fields[n as keyof typeof fields] !== undefined);
      if (names.length === 0) continue;
      await this.updateIfThere(
        keys.notification(inboxOwner, notice.notificationId),
        `SET ${names.map((n) => `#${n} = :${n}`).join(", ")}`,
        Object.fromEntries(names.map((n) => [`#${n}`, n])),
        Object.fromEntries(names.map((n) => [`:${n}`, fields[n as keyof typeof fields]])),
      );
      changed++;
    }
    // Copies waiting to go by email or SMS after quiet hours: held ones, and releases not yet sent.
    for (const item of await this.queryAll(keys.heldNotice(inboxOwner, "").pk)) {
      const next = scrub(notificationSchema.parse(item.notification));
      if (!next) continue;
      await this.updateIfThere(
        { pk: item.pk, sk: item.sk },
        "SET #n = :n",
        { "#n": "notification" },
        { ":n": next },
      );
      changed++;
    }
    for (const item of await this.queryAll(keys.noticeRelease(inboxOwner, "").pk)) {
      const notices = z.array(notificationSchema).parse(item.notifications);
      const next = notices.map((n) => scrub(n) ?? n);
      if (next.every((n, i) => n === notices[i])) continue;
      await this.updateIfThere(
        { pk: item.pk, sk: item.sk },
        "SET #n = :n",
        { "#n": "notifications" },
        { ":n": next },
      );
      changed++;
    }
    return changed;
  }

  /** An update that never brings back an item that went meanwhile (sent, released, expired). */
  private async updateIfThere(
    key: Record<string, unknown>,
    expression: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: expression,
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Every item of a partition (optionally under a sort-key prefix), all pages. */
  private async queryAll(pk: string, prefix?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: prefix ? "pk = :pk AND begins_with(sk, :prefix)" : "pk = :pk",
          ExpressionAttributeValues: { ":pk": pk, ...(prefix ? { ":prefix": prefix } : {}) },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/**
 * A notice with every quote of the erased member replaced (its params, and the English title and
 * body old notices carry), or undefined when it quotes none of them.
 */
function scrubbedNotice(
  notice: Notification,
  replacements: ReadonlyMap<string, string>,
  quotes: readonly string[],
): Notification | undefined {
  const text = JSON.stringify([notice.title, notice.body, notice.params ?? {}]);
  if (!quotes.some((q) => text.includes(q))) return undefined;
  return {
    ...notice,
    ...(notice.title !== undefined ? { title: replaceAll(notice.title, replacements) } : {}),
    ...(notice.body !== undefined ? { body: replaceAll(notice.body, replacements) } : {}),
    ...(notice.params
      ? {
          params: Object.fromEntries(
            Object.entries(notice.params).map(([k, v]) => [
              k,
              typeof v === "string" ? replaceAll(v, replacements) : v,
            ]),
          ),
        }
      : {}),
  };
}
