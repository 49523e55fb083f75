import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { ConflictError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import {
  type Account,
  accountSchema,
  type Book,
  type BookRef,
  bookKey,
  bookSchema,
  type JournalLine,
  journalLineSchema,
  type PostingPlan,
  type Transfer,
  transferSchema,
} from "#domain/ledger/books.ts";
import { type IdempotencyRecord, idempotencyRecordSchema } from "#domain/ledger/idempotency.ts";
import type {
  CommitOutcome,
  LedgerRepository,
  LimitChange,
  PostingEffects,
  StandingChange,
} from "#domain/ledger/ports.ts";
import { batchGetItems } from "./batch-get.ts";
import { cancellationCodes } from "./cancellation.ts";
import { storePaging } from "./cursor.ts";
import { exchangeItem, idempotencyItem } from "./exchange-repository.ts";
import { inboxDeliveryItems } from "./inbox-repository.ts";
import { keys } from "./keys.ts";
import { memberItem } from "./member-repository.ts";
import { table } from "./table.ts";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** Errors DynamoDB raises when a transaction raced another or the token is still in flight: retry. */
const RACE_ERRORS = new Set(["TransactionInProgressException", "IdempotentParameterMismatchException"]);

export class DynamoLedgerRepository implements LedgerRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(
    accountIds: readonly string[],
    refs: readonly BookRef[],
  ): Promise<{ accounts: Map<string, Account>; books: Map<string, Book> }> {
    const accounts = new Map<string, Account>();
    const books = new Map<string, Book>();
    const wanted = [
      ...[...new Set(accountIds)].map((id) => keys.account(id)),
      ...refs.map((ref) => keys.accountBook(ref.accountId, ref.shard)),
    ];
    // Strongly consistent: a limit check must see the latest committed balance.
    for (const item of await this.batchGet(wanted)) {
      if (item.entity === "Account") {
        const account = accountSchema.parse(item);
        accounts.set(account.accountId, account);
      } else if (item.entity === "AccountBook") {
        const book = bookSchema.parse(item);
        books.set(bookKey(book), book);
      }
    }
    return { accounts, books };
  }

  async readAccount(accountId: string): Promise<{ account: Account; books: Book[] } | undefined> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.account(accountId).pk },
        ConsistentRead: true,
      }),
    );
    const header = Items.find((item) => item.entity === "Account");
    if (!header) return undefined;
    return {
      account: accountSchema.parse(header),
      books: Items.filter((item) => item.entity === "AccountBook")
        .map((item) => bookSchema.parse(item))
        .sort((a, b) => a.shard - b.shard),
    };
  }

  async openAccount(account: Account, books: readonly Book[]): Promise<"opened" | "exists"> {
    // Create-only, all or nothing: two first uses racing open the account once.
    const items: Record<string, unknown>[] = [
      { ...keys.account(account.accountId), entity: "Account", ...account },
      ...books.map((book) => ({
        ...keys.accountBook(book.accountId, book.shard),
        entity: "AccountBook",
        ...book,
      })),
      {
        ...keys.accountRegistry(account.accountId),
        entity: "AccountRegistration",
        accountId: account.accountId,
      },
    ];
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: items.map((Item) => ({
            Put: { TableName: this.tableName, Item, ConditionExpression: "attribute_not_exists(pk)" },
          })),
        }),
      );
      return "opened";
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        cancellationCodes(error).includes("ConditionalCheckFailed")
      ) {
        return "exists";
      }
      throw error;
    }
  }

  async commit(
    plan: PostingPlan,
    effects: PostingEffects,
    clientRequestToken: string,
  ): Promise<CommitOutcome> {
    const table = this.tableName;
    const roles: ("transfer" | "idempotency" | "exchange" | "approves" | "book" | "line" | "notice")[] = [];
    const items: TransactItem[] = [];
    const add = (role: (typeof roles)[number], item: TransactItem) => {
      roles.push(role);
      items.push(item);
    };
    // The transfer is created only if absent: its id is deterministic (from the exchange, the
    // reversed transfer or the idempotency key), so a second settlement cannot be written.
    add("transfer", {
      Put: {
        TableName: table,
        Item: { ...keys.transfer(plan.transfer.transferId), entity: "Transfer", ...plan.transfer },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    });
    if (effects.idempotency) {
      add("idempotency", {
        Put: {
          TableName: table,
          Item: idempotencyItem(effects.idempotency),
          ConditionExpression: "attribute_not_exists(pk)",
        },
      });
    }
    if (effects.exchange) {
      add("exchange", {
        Put: {
          TableName: table,
          Item: exchangeItem(effects.exchange.next),
          ConditionExpression: "version = :expected",
          ExpressionAttributeValues: { ":expected": effects.exchange.expectedVersion },
        },
      });
    }
    if (effects.approves) {
      const { requestId, decidedAt, decidedBy } = effects.approves;
      add("approves", {
        Update: {
          TableName: table,
          Key: keys.redemptionRequest(requestId),
          UpdateExpression:
            "SET #status = :approved, transferId = :transfer, decidedAt = :at, decidedBy = :by",
          // Only a request still waiting: a declined or expired one is never paid.
          ConditionExpression: "#status = :pending AND expiresAt > :at",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":approved": "approved",
            ":pending": "pending",
            ":transfer": plan.transfer.transferId,
            ":at": decidedAt,
            ":by": decidedBy,
          },
        },
      });
    }
    for (const change of plan.books) {
      const { before, after, delta } = change;
      add("book", {
        Update: {
          TableName: table,
          Key: keys.accountBook(before.accountId, before.shard),
          UpdateExpression:
            "SET balance = balance + :delta, nextSeq = :next, lastHash = :hash, totalIn = totalIn + :in, " +
            "totalOut = totalOut + :out, updatedAt = :at, " +
            // Books written before the time totals existed have no such attribute yet.
            "givenMinutes = if_not_exists(givenMinutes, :zero) + :given, " +
            "receivedMinutes = if_not_exists(receivedMinutes, :zero) + :received",
          // nextSeq as read: postings on one book serialise, so line numbers are gapless and each
          // running balance is exact. The limits as read, and the balance after this posting
          // within them: the limit holds in DynamoDB itself, whatever runs concurrently.
          // Never a frozen book: a suspension or closing that commits first stops this posting.
          ConditionExpression:
            "nextSeq = :seq AND creditLimit = :cl AND maxBalance = :mb AND balance >= :minBefore AND balance <= :maxBefore" +
            " AND attribute_not_exists(frozen)",
          ExpressionAttributeValues: {
            ":delta": delta,
            ":next": after.nextSeq,
            ":hash": after.lastHash,
            ":in": after.totalIn - before.totalIn,
            ":out": after.totalOut - before.totalOut,
            ":given": after.givenMinutes - before.givenMinutes,
            ":received": after.receivedMinutes - before.receivedMinutes,
            ":zero": 0,
            ":at": after.updatedAt,
            ":seq": before.nextSeq,
            ":cl": before.creditLimit,
            ":mb": before.maxBalance,
            ":minBefore": -before.creditLimit - delta,
            ":maxBefore": before.maxBalance - delta,
          },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        },
      });
    }
    for (const line of plan.lines) {
      add("line", {
        Put: {
          TableName: table,
          Item: { ...keys.journalLine(line.accountId, line.shard, line.seq), entity: "JournalLine", ...line },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      });
    }
    // The parties' notices of the settlement: keyed by the exchange's new version, so they land
    // with it or not at all.
    for (const notice of effects.notices ?? []) {
      for (const item of inboxDeliveryItems(table, notice.notification, notice.dedupeKey))
        add("notice", item);
    }
    try {
      await this.db.send(
        new TransactWriteCommand({ TransactItems: items, ClientRequestToken: clientRequestToken }),
      );
      return { outcome: "committed" };
    } catch (error) {
      if (error instanceof Error && RACE_ERRORS.has(error.name)) {
        return { outcome: "stale", staleBooks: [], current: [] };
      }
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = cancellationCodes(error);
      const failed = (role: (typeof roles)[number], code = "ConditionalCheckFailed") =>
        roles.some((r, i) => r === role && codes[i] === code);
      if (failed("idempotency")) return { outcome: "idempotency-exists" };
      if (failed("transfer")) return { outcome: "transfer-exists" };
      if (failed("exchange") || failed("approves")) return { outcome: "precondition" };
      const firstBook = roles.indexOf("book");
      const staleBooks = plan.books
        .filter((_, i) => {
          const code = codes[firstBook + i];
          return code !== undefined && code !== "None";
        })
        .map((b) => ({ accountId: b.before.accountId, shard: b.before.shard }));
      // The failed books' current state comes back with the cancellation (ALL_OLD): the next
      // attempt plans on it without reading again.
      const current = plan.books.flatMap((_, i) => {
        const item = error.CancellationReasons?.[firstBook + i]?.Item;
        const parsed = item ? bookSchema.safeParse(unmarshall(item)) : undefined;
        return parsed?.success ? [parsed.data] : [];
      });
      // Conflicts with concurrent transactions and throttled items are transient as well.
      if (
        staleBooks.length > 0 ||
        codes.some((c) => c === "TransactionConflict" || c === "ThrottlingError")
      ) {
        return { outcome: "stale", staleBooks, current };
      }
      throw error;
    }
  }

  async changeStanding(change: StandingChange): Promise<"changed" | "stale"> {
    const table = this.tableName;
    const items: TransactItem[] = [
      {
        Put: {
          TableName: table,
          Item: memberItem(change.member),
          ConditionExpression: "attribute_exists(pk) AND updatedAt = :expected",
          ExpressionAttributeValues: { ":expected": change.expectedUpdatedAt },
        },
      },
    ];
    if ("opening" in change.account) {
      // Never opened: it opens frozen (or not), so a first posting cannot slip past the change.
      const { account, books } = change.account.opening;
      const frozen = change.frozen ? { frozen: change.frozen } : {};
      for (const Item of [
        { ...keys.account(account.accountId), entity: "Account", ...account },
        ...books.map((book) => ({
          ...keys.accountBook(book.accountId, book.shard),
          entity: "AccountBook",
          ...book,
          ...frozen,
        })),
        {
          ...keys.accountRegistry(account.accountId),
          entity: "AccountRegistration",
          accountId: account.accountId,
        },
      ]) {
        items.push({ Put: { TableName: table, Item, ConditionExpression: "attribute_not_exists(pk)" } });
      }
    } else {
      for (const book of change.account.books) {
        items.push({
          Update: {
            TableName: table,
            Key: keys.accountBook(book.accountId, book.shard),
            UpdateExpression: change.frozen ? "SET frozen = :frozen" : "REMOVE frozen",
            // A closing freezes books that hold nothing: a posting that slipped in since the
            // closing transfer makes this fail, and the closing settles the new balance first.
            ConditionExpression: change.requireZeroBalance
              ? "attribute_exists(pk) AND balance = :zero"
              : "attribute_exists(pk)",
            ...(change.frozen || change.requireZeroBalance
              ? {
                  ExpressionAttributeValues: {
                    ...(change.frozen ? { ":frozen": change.frozen } : {}),
                    ...(change.requireZeroBalance ? { ":zero": 0 } : {}),
                  },
                }
              : {}),
          },
        });
      }
    }
    for (const notice of change.notices)
      items.push(...inboxDeliveryItems(table, notice.notification, notice.dedupeKey));
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return "changed";
    } catch (error) {
      if (error instanceof Error && RACE_ERRORS.has(error.name)) return "stale";
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = cancellationCodes(error);
      if (codes[0] === "ConditionalCheckFailed") {
        throw new ConflictError("The member was changed by someone else; reload and try again", undefined, {
          cause: error,
        });
      }
      return "stale";
    }
  }

  async changeLimits(change: LimitChange): Promise<"changed" | "stale"> {
    const { account } = change;
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.tableName,
          Key: keys.account(account.accountId),
          UpdateExpression:
            "SET creditLimitMinutes = :cl, maxBalanceMinutes = :mb, version = :version, updatedAt = :at, updatedBy = :by",
          ConditionExpression: "version = :expected",
          ExpressionAttributeValues: {
            ":cl": account.creditLimitMinutes,
            ":mb": account.maxBalanceMinutes,
            ":version": account.version,
            ":at": account.updatedAt,
            ":by": account.updatedBy ?? "system",
            ":expected": change.expectedVersion,
          },
        },
      },
      ...change.books.map(
        (b): TransactItem => ({
          Update: {
            TableName: this.tableName,
            Key: keys.accountBook(b.before.accountId, b.before.shard),
            UpdateExpression: "SET creditLimit = :cl, maxBalance = :mb, updatedAt = :at",
            // Guarded against racing debits: the new share is written only if the book's balance,
            // whatever it is at commit time, lies within it. Postings condition on the old share,
            // so whichever commits second re-reads.
            ConditionExpression:
              "creditLimit = :oldCl AND maxBalance = :oldMb AND balance >= :floor AND balance <= :mb",
            ExpressionAttributeValues: {
              ":cl": b.creditLimit,
              ":mb": b.maxBalance,
              ":at": account.updatedAt,
              ":oldCl": b.before.creditLimit,
              ":oldMb": b.before.maxBalance,
              ":floor": -b.creditLimit,
            },
          },
        }),
      ),
    ];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return "changed";
    } catch (error) {
      if (error instanceof TransactionCanceledException) return "stale";
      if (error instanceof Error && RACE_ERRORS.has(error.name)) return "stale";
      throw error;
    }
  }

  async getTransfer(transferId: string): Promise<Transfer | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.transfer(transferId), ConsistentRead: true }),
    );
    return Item ? transferSchema.parse(Item) : undefined;
  }

  async getTransfers(transferIds: readonly string[]): Promise<Map<string, Transfer>> {
    const items = await this.batchGet(transferIds.map((id) => keys.transfer(id)));
    return new Map(items.map((item) => transferSchema.parse(item)).map((t) => [t.transferId, t]));
  }

  async getIdempotencyRecord(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.idempotency(scope, key), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    // Records written before the TTL attribute was renamed carry their expiry as `expiresAt`.
    return idempotencyRecordSchema.parse({ ...Item, expiresAt: Item[table.ttlAttribute] ?? Item.expiresAt });
  }

  async getLines(refs: readonly (BookRef & { seq: number })[]): Promise<Map<string, JournalLine>> {
    const items = await this.batchGet(refs.map((r) => keys.journalLine(r.accountId, r.shard, r.seq)));
    return new Map(
      items
        .map((item) => journalLineSchema.parse(item))
        .map((line) => [`${line.accountId}#${line.shard}#${line.seq}`, line]),
    );
  }

  async listLines(
    ref: BookRef,
    afterSeq: number,
    limit: number,
  ): Promise<{ lines: JournalLine[]; more: boolean }> {
    const start = keys.journalLine(ref.accountId, ref.shard, afterSeq);
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk > :after",
        ExpressionAttributeValues: { ":pk": start.pk, ":after": start.sk },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return {
      lines: (result.Items ?? []).map((item) => journalLineSchema.parse(item)),
      more: result.LastEvaluatedKey !== undefined,
    };
  }

  async listAccountIds(page: PageRequest): Promise<Page<string>> {
    const partition = keys.accountRegistry("").pk;
    const paging = storePaging({ partition });
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": partition },
        Limit: page.limit,
        ExclusiveStartKey: paging.start(page.cursor),
        ConsistentRead: true,
      }),
    );
    const nextCursor = paging.next(result.LastEvaluatedKey);
    return {
      items: (result.Items ?? []).map((item) => String(item.accountId)),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  private batchGet(wanted: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    return batchGetItems(this.db, this.tableName, wanted, { consistent: true });
  }
}
