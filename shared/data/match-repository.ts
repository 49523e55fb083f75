import { setTimeout as sleep } from "node:timers/promises";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import {
  addressOf,
  type DigestAddress,
  type DigestProfile,
  type DigestRecord,
} from "#domain/matching/digest.ts";
import type { IndexEntry } from "#domain/matching/index-entries.ts";
import { type Match, matchSchema } from "#domain/matching/match.ts";
import type {
  MatchIndexRepository,
  MatchRepository,
  MatchSignalsRepository,
  MemberSignals,
  SignalsChange,
} from "#domain/matching/ports.ts";
import type { AvailabilityWindow } from "#domain/membership/member.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import { languageSchema } from "#shared/config/city.ts";
import { log } from "#shared/logger.ts";
import * as z from "#shared/zod.ts";
import { batchGetItems } from "./batch-get.ts";
import { entityKeys, newestFirstPage } from "./cursor.ts";
import { inboxDeliveryItems } from "./inbox-repository.ts";
import { keys } from "./keys.ts";
import { table } from "./table.ts";

/**
 * Cell digests. A digest's records are, per member in it, `p#<memberId>` (their profile, with their
 * own windows) and per entry `e#<memberId>#<source>` (place, tags, a post's windows, sensitive),
 * each a short JSON array (about 100 bytes an entry). The item keeps them as one deflated JSON
 * object (`records`, binary): records of one cell and category repeat tags, places and windows, so
 * they pack to about a third, and a read pays capacity by the KB. An update reads the item and puts
 * it back under its version `v` (retried when someone else wrote it meanwhile). A member's
 * `DIGESTREFS` item lists where their records are and the profile they carry, so a profile change
 * rewrites exactly those digests.
 */
const entryRecordSchema = z.tuple([
  z.nullable(z.number()),
  z.nullable(z.number()),
  z.array(z.string()),
  z.array(z.string()),
  z.number(),
]);
const profileRecordSchema = z.tuple([
  z.array(languageSchema),
  z.number(),
  z.number(),
  z.array(z.string()),
  z.array(z.string()),
  z.number(),
  z.number(),
  z.number(),
  z.number(),
  z.number(),
]);
const digestItemSchema = z.object({
  side: z.enum(["gives", "asks"]),
  category: z.string(),
  cell: z.string(),
  v: z._default(z.number(), 0),
});
const recordsSchema = z.record(z.string(), z.string());

/** A digest's records (name to record text), deflated. */
function packRecords(records: Readonly<Record<string, string>>): Uint8Array {
  return deflateRawSync(Buffer.from(JSON.stringify(records)));
}

/**
 * A digest item's records: its deflated `records`, and any record still kept as an attribute of
 * its own (as digests were written before they were packed; the next update packs them too).
 */
function recordsOf(item: Record<string, unknown>): Record<string, string> {
  const packed = item.records;
  const records: Record<string, string> =
    packed instanceof Uint8Array ? recordsSchema.parse(JSON.parse(inflateRawSync(packed).toString())) : {};
  for (const [name, value] of Object.entries(item)) {
    if ((name.startsWith("p#") || name.startsWith("e#")) && typeof value === "string") records[name] = value;
  }
  return records;
}

/** Attempts at a digest update before giving up (each lost only to another write of the same item). */
const DIGEST_ATTEMPTS = 20;
const refsItemSchema = z.object({
  refs: z._default(z.array(z.string()), []),
  profile: z.optional(z.string()),
  v: z._default(z.number(), 0),
});

/** Above this many write units (1 KB each), a digest item is logged as on its way to DynamoDB's 400 KB limit. */
const DIGEST_WARN_UNITS = 128;

const encodeWindows = (windows: readonly AvailabilityWindow[]) =>
  windows.map((w) => `${w.day} ${w.from} ${w.to}`);
const decodeWindows = (windows: readonly string[]): AvailabilityWindow[] =>
  windows.map((w) => {
    const [day = "0", from = "", to = ""] = w.split(" ");
    return { day: Number(day), from, to };
  });

/** A skill entry's windows are its member's, kept once in their profile (see decodeEntry). */
function encodeEntry(e: IndexEntry): string {
  return JSON.stringify([
    e.location?.lat ?? null,
    e.location?.lon ?? null,
    e.tags,
    e.source === "SKILL" ? [] : encodeWindows(e.availability),
    e.sensitive ? 1 : 0,
  ]);
}

function encodeProfile(p: DigestProfile): string {
  return JSON.stringify([
    p.languages,
    p.verified ? 1 : 0,
    p.active ? 1 : 0,
    p.blocked,
    encodeWindows(p.windows),
    p.giverReciprocity,
    p.askerReciprocity,
    p.responsiveness,
    p.completion,
    p.partners ? 1 : 0,
  ]);
}

function decodeProfile(text: string): DigestProfile {
  const [languages, verified, active, blocked, windows, giver, asker, responsiveness, completion, partners] =
    profileRecordSchema.parse(JSON.parse(text));
  return {
    languages,
    verified: verified === 1,
    active: active === 1,
    blocked,
    windows: decodeWindows(windows),
    giverReciprocity: giver,
    askerReciprocity: asker,
    responsiveness,
    completion,
    partners: partners === 1,
  };
}

function decodeEntry(
  digest: z.infer<typeof digestItemSchema>,
  memberId: string,
  source: string,
  text: string,
  profile: DigestProfile,
): IndexEntry {
  const [lat, lon, tags, windows, sensitive] = entryRecordSchema.parse(JSON.parse(text));
  return {
    side: digest.side,
    category: digest.category,
    cell: digest.cell,
    memberId,
    source,
    location: lat !== null && lon !== null ? { lat, lon } : undefined,
    tags,
    // Skill entries carry the member's windows and languages; post entries their own windows.
    availability: source === "SKILL" ? profile.windows : decodeWindows(windows),
    languages: source === "SKILL" ? profile.languages : undefined,
    sensitive: sensitive === 1,
  };
}

/** Where one of a member's records is: its digest and its source. */
interface Ref extends DigestAddress {
  source: string;
}
const refText = (r: Ref) => [r.side, r.category, r.cell, r.shard, r.source].join("|");
function parseRef(text: string): Ref {
  const [side, category = "", cell = "", shard = "0", ...source] = text.split("|");
  return {
    side: side === "asks" ? "asks" : "gives",
    category,
    cell,
    shard: Number(shard),
    source: source.join("|"),
  };
}
interface DigestWrite {
  address: DigestAddress;
  set: Record<string, string>;
  remove: string[];
}
const digestOf = (a: DigestAddress) => `${a.side}|${a.category}|${a.cell}|${a.shard}`;

export class DynamoMatchIndexRepository implements MatchIndexRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async refsOf(memberId: string) {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.digestRefs(memberId), ConsistentRead: true }),
    );
    const item = refsItemSchema.parse(Item ?? {});
    return {
      exists: Item !== undefined,
      refs: item.refs.map(parseRef),
      profileText: item.profile,
      profile: item.profile ? decodeProfile(item.profile) : undefined,
      version: item.v,
    };
  }

  /** Stores where a member's records are, unless someone else changed them since `version` was read. */
  private async saveRefs(
    memberId: string,
    refs: readonly Ref[],
    profile: string,
    version: number,
    exists: boolean,
  ) {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.digestRefs(memberId),
            entity: "DigestRefs",
            memberId,
            refs: refs.map(refText),
            profile,
            v: version + 1,
          },
          ConditionExpression: exists ? "v = :v" : "attribute_not_exists(pk)",
          ExpressionAttributeValues: exists ? { ":v": version } : undefined,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * One update of one digest item: records set and removed. Read, changed and put back only if
   * nobody wrote it meanwhile (its version), else done again; an item left without records goes.
   * @throws Error when other writes keep winning.
   */
  private async updateDigest(address: DigestAddress, set: Record<string, string>, remove: readonly string[]) {
    const key = keys.matchDigest(address.side, address.category, address.cell, address.shard);
    for (let attempt = 0; attempt < DIGEST_ATTEMPTS; attempt++) {
      // Writers of one busy digest (a bulk import) spread out rather than meet again at once.
      if (attempt > 0) await sleep(Math.random() * 5 * 2 ** Math.min(attempt, 6));
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const records = Item ? recordsOf(Item) : {};
      const legacy = Item
        ? Object.keys(Item).some((name) => name.startsWith("p#") || name.startsWith("e#"))
        : false;
      let changed = legacy;
      for (const [name, value] of Object.entries(set)) {
        if (records[name] === value) continue;
        records[name] = value;
        changed = true;
      }
      for (const name of remove) {
        if (!(name in records)) continue;
        delete records[name];
        changed = true;
      }
      if (!changed) return;
      const version = Item ? digestItemSchema.parse(Item).v : 0;
      // Unchanged since read: the version read, or still absent.
      const unchanged = Item
        ? { ConditionExpression: "v = :v", ExpressionAttributeValues: { ":v": version } }
        : { ConditionExpression: "attribute_not_exists(pk)" };
      try {
        if (Object.keys(records).length === 0) {
          await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: key, ...unchanged }));
          return;
        }
        const result = await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key,
              entity: "MatchDigest",
              side: address.side,
              category: address.category,
              cell: address.cell,
              v: version + 1,
              records: packRecords(records),
            },
            ...unchanged,
            ReturnConsumedCapacity: "TOTAL",
          }),
        );
        // A write costs a unit per KB of the item: a digest this large wants more shards.
        const units = result.ConsumedCapacity?.CapacityUnits ?? 0;
        if (units > DIGEST_WARN_UNITS) {
          log.warn(
            "matching digest near the item size limit: raise matching.digestShards (the match-index-layout schedule then moves the index)",
            {
              ...key,
              writeUnits: units,
            },
          );
        }
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new Error(`the matching digest ${key.pk} ${key.sk} kept changing while being written`);
  }

  async replace(change: {
    memberId: string;
    source: string;
    next: readonly IndexEntry[];
    shards: number;
    settle: (stored: DigestProfile | undefined) => DigestProfile;
  }): Promise<void> {
    const { memberId, source } = change;
    const profileName = `p#${memberId}`;
    const entryName = (s: string) => `e#${memberId}#${s}`;
    for (let attempt = 0; attempt < 8; attempt++) {
      const stored = await this.refsOf(memberId);
      const profile = encodeProfile(change.settle(stored.profile));
      const added = change.next.map((entry) => ({ ...addressOf(entry, change.shards), source, entry }));
      const after: Ref[] = [
        ...stored.refs.filter((r) => r.source !== source),
        ...added.map(({ entry: _, ...ref }) => ref),
      ];
      const writes = new Map<string, DigestWrite>();
      const touch = (a: DigestAddress) => {
        const key = digestOf(a);
        const known = writes.get(key);
        if (known) return known;
        const write: DigestWrite = {
          address: { side: a.side, category: a.category, cell: a.cell, shard: a.shard },
          set: {},
          remove: [],
        };
        writes.set(key, write);
        return write;
      };
      for (const r of stored.refs.filter((r) => r.source === source)) touch(r).remove.push(entryName(source));
      for (const a of added) {
        const write = touch(a);
        write.set[entryName(source)] = encodeEntry(a.entry);
        write.remove = write.remove.filter((name) => name !== entryName(source));
      }
      // A changed profile is rewritten wherever the member has records.
      if (profile !== stored.profileText) for (const r of after) touch(r);
      const holding = new Set(after.map(digestOf));
      for (const [key, write] of writes) {
        if (holding.has(key)) write.set[profileName] = profile;
        else write.remove.push(profileName);
      }
      await Promise.all([...writes.values()].map((w) => this.updateDigest(w.address, w.set, w.remove)));
      if (await this.saveRefs(memberId, after, profile, stored.version, stored.exists)) return;
    }
    throw new Error(`the digest records of ${memberId} kept changing while being written`);
  }

  async reprofile(memberId: string, settle: (stored: DigestProfile) => DigestProfile): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const stored = await this.refsOf(memberId);
      if (!stored.profile || stored.refs.length === 0) return;
      const profile = encodeProfile(settle(stored.profile));
      if (profile === stored.profileText) return;
      const digests = new Map(stored.refs.map((r) => [digestOf(r), r]));
      await Promise.all(
        [...digests.values()].map((r) => this.updateDigest(r, { [`p#${memberId}`]: profile }, [])),
      );
      if (await this.saveRefs(memberId, stored.refs, profile, stored.version, true)) return;
    }
    throw new Error(`the digest records of ${memberId} kept changing while being written`);
  }

  async read(addresses: readonly DigestAddress[]) {
    const items = await batchGetItems(
      this.db,
      this.tableName,
      addresses.map((a) => keys.matchDigest(a.side, a.category, a.cell, a.shard)),
    );
    const records: DigestRecord[] = [];
    let bytes = 0;
    for (const item of items) {
      const digest = digestItemSchema.parse(item);
      if (item.records instanceof Uint8Array) bytes += item.records.byteLength;
      const texts = Object.entries(recordsOf(item));
      const profiles = new Map<string, DigestProfile>();
      for (const [name, value] of texts) {
        if (name.startsWith("p#")) profiles.set(name.slice(2), decodeProfile(value));
      }
      for (const [name, value] of texts) {
        if (!name.startsWith("e#")) continue;
        const [memberId = "", ...source] = name.slice(2).split("#");
        const profile = profiles.get(memberId);
        // Written in the same update as its entries: never missing while an entry is there.
        if (!profile) continue;
        records.push({ entry: decodeEntry(digest, memberId, source.join("#"), value, profile), profile });
      }
    }
    return {
      records,
      items: items.length,
      bytes,
      calls: Math.ceil(addresses.length / 100),
      depth: addresses.length > 0 ? 1 : 0,
    };
  }
}

const signalsSchema = z.object({
  memberId: z.string(),
  partners: z._default(z.record(z.string(), z.number()), {}),
  settled: z._default(z.number(), 0),
  cancelled: z._default(z.number(), 0),
  told: z._default(z.number(), 0),
  answered: z._default(z.number(), 0),
  lastSettledAt: z.optional(z.string()),
});

export class DynamoMatchSignalsRepository implements MatchSignalsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getMany(
    memberIds: readonly string[],
    options: { consistent?: boolean } = {},
  ): Promise<Map<string, MemberSignals>> {
    const items = await batchGetItems(
      this.db,
      this.tableName,
      memberIds.map((id) => keys.matchSignals(id)),
      options,
    );
    const found = new Map<string, MemberSignals>();
    for (const item of items) {
      const partners: Record<string, number> = {};
      let balance: number | undefined;
      let givenMinutes: number | undefined;
      for (const [name, value] of Object.entries(item)) {
        if (typeof value !== "number") continue;
        if (name.startsWith("partner#")) partners[name.slice(8)] = value;
        if (name.startsWith("balance#")) balance = (balance ?? 0) + value;
      }
      // Minutes given in settled exchanges; a member with an account who never gave has given 0.
      if (typeof item.givenToPeople === "number") givenMinutes = item.givenToPeople;
      else if (balance !== undefined) givenMinutes = 0;
      const signals = { ...signalsSchema.parse({ ...item, partners }), balance, givenMinutes };
      found.set(signals.memberId, signals);
    }
    return found;
  }

  async apply(eventKey: string, memberId: string, change: SignalsChange): Promise<void> {
    if (change.type === "ledger") {
      // A plain SET: replaying a book's records in order leaves its latest state.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.matchSignals(memberId),
          UpdateExpression: "SET memberId = :member, entity = :entity, #b = :balance",
          ExpressionAttributeNames: { "#b": `balance#${change.shard}` },
          ExpressionAttributeValues: {
            ":member": memberId,
            ":entity": "MatchSignals",
            ":balance": change.balance,
          },
        }),
      );
      return;
    }
    const names: Record<string, string> = { "#seen": "seen" };
    const values: Record<string, unknown> = {
      ":event": new Set([eventKey]),
      ":eventKey": eventKey,
      ":one": 1,
      ":member": memberId,
      ":entity": "MatchSignals",
    };
    const adds = ["#seen :event"];
    const sets = ["memberId = :member", "entity = :entity"];
    if (change.type === "exchange") {
      // The latest settlement the stream told of ("gone quiet" counts from it).
      if (change.outcome === "settled" && change.at) {
        sets.push("lastSettledAt = :at");
        values[":at"] = change.at;
      }
      adds.push(`${change.outcome} :one`);
      if (change.givenMinutes > 0) {
        adds.push("givenToPeople :given");
        values[":given"] = change.givenMinutes;
      }
      // Partners are top-level counters ("partner#<id>") so one update changes them atomically.
      if (change.outcome === "settled") {
        change.partnerIds.forEach((partner, i) => {
          names[`#p${i}`] = `partner#${partner}`;
          adds.push(`#p${i} :one`);
        });
      }
    } else adds.push(`${change.type} :one`);
    try {
      // The event key set makes each event count once, however often the stream delivers it.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.matchSignals(memberId),
          UpdateExpression: `SET ${sets.join(", ")} ADD ${adds.join(", ")}`,
          ConditionExpression: "attribute_not_exists(#seen) OR NOT contains(#seen, :eventKey)",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

function matchItem(match: Match): Record<string, unknown> {
  return {
    ...keys.match(match.matchId),
    entity: "Match",
    ...match,
    candidatePk: keys.matchesByCandidate(match.candidateId),
    candidateSk: `${match.createdAt}#${match.matchId}`,
    matchPostPk: keys.matchesByPost(match.postId),
    // Best first in ascending order: the score's complement, zero-padded.
    matchPostSk: `${String(1000 - Math.round(match.score * 1000)).padStart(4, "0")}#${match.candidateId}`,
  };
}

export class DynamoMatchRepository implements MatchRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createMissing(matches: readonly Match[]): Promise<Match[]> {
    const created: Match[] = [];
    await Promise.all(
      matches.map(async (match) => {
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.tableName,
              Item: matchItem(match),
              ConditionExpression: "attribute_not_exists(pk)",
            }),
          );
          created.push(match);
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }),
    );
    return created;
  }

  async get(matchId: string): Promise<Match | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.match(matchId), ConsistentRead: true }),
    );
    return Item ? matchSchema.parse(Item) : undefined;
  }

  async update(next: Match, expectedUpdatedAt: string): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: matchItem(next),
          ConditionExpression: "attribute_exists(pk) AND updatedAt = :expected",
          ExpressionAttributeValues: { ":expected": expectedUpdatedAt },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new ConflictError("The match changed meanwhile");
      throw error;
    }
  }

  async listForCandidate(memberId: string, page: PageRequest): Promise<Page<Match>> {
    return newestFirstPage(
      this.db,
      this.tableName,
      {
        index: "matchesByCandidate",
        pk: keys.matchesByCandidate(memberId),
        item: entityKeys(keys.match("")),
      },
      page,
      (item) => matchSchema.parse(item),
    );
  }

  async listForPost(postId: string, limit: number): Promise<Match[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "matchesByPost",
        KeyConditionExpression: "matchPostPk = :pk",
        ExpressionAttributeValues: { ":pk": keys.matchesByPost(postId) },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((i) => matchSchema.parse(i));
  }

  async saveShortlist(postId: string, candidates: readonly Match[]): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.shortlist(postId), entity: "MatchShortlist", postId, candidates },
      }),
    );
  }

  async shortlist(postId: string): Promise<Match[]> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.shortlist(postId), ConsistentRead: true }),
    );
    return Array.isArray(Item?.candidates) ? Item.candidates.map((m) => matchSchema.parse(m)) : [];
  }

  async dropShortlist(postId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.shortlist(postId) }));
  }

  /** The match item, create-only: it is what makes telling someone happen once. */
  private createOnce(match: Match) {
    return {
      Put: {
        TableName: this.tableName,
        Item: matchItem(match),
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
  }

  /**
   * Runs a transaction that creates `match`; a cancellation means either the match exists (told
   * before: "already") or another condition failed ("refused"). A conflict with a concurrent
   * transaction is thrown, so the stream retries.
   */
  private async createWith(match: Match, others: TransactItem[]): Promise<"done" | "already" | "refused"> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: [...others, this.createOnce(match)] }));
      return "done";
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (error.CancellationReasons?.some((r) => r.Code === "TransactionConflict")) throw error;
      return (await this.get(match.matchId)) ? "already" : "refused";
    }
  }

  async tell(
    match: Match,
    notification: Notification,
    budget: { day: string; limit: number },
  ): Promise<"told" | "already" | "budget-spent"> {
    const result = await this.createWith(match, [
      {
        // Counts each match once and never past the limit; the item expires after two days.
        Update: {
          TableName: this.tableName,
          Key: keys.matchBudget(match.candidateId, budget.day),
          UpdateExpression: "ADD used :one, matchIds :match SET entity = :entity, #ttl = :ttl",
          ExpressionAttributeNames: { "#ttl": table.ttlAttribute },
          ConditionExpression: "attribute_not_exists(used) OR used < :limit",
          ExpressionAttributeValues: {
            ":one": 1,
            ":match": new Set([match.matchId]),
            ":limit": budget.limit,
            ":entity": "MatchBudget",
            // The day key already scopes the count; the TTL only tidies up, so wall-clock time is fine.
            ":ttl": Math.floor(Date.now() / 1000) + 2 * 86_400,
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.notification(notification.memberId, notification.notificationId),
            entity: "Notification",
            ...notification,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    ]);
    return result === "done" ? "told" : result === "already" ? "already" : "budget-spent";
  }

  async tellOwner(
    notification: Notification,
    dedupeKey: string,
    budget: { day: string; limit: number },
  ): Promise<"told" | "already" | "budget-spent"> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...inboxDeliveryItems(this.tableName, notification, dedupeKey),
            {
              // The same budget as the owner's own match notices: one count per notice.
              Update: {
                TableName: this.tableName,
                Key: keys.matchBudget(notification.memberId, budget.day),
                UpdateExpression: "ADD used :one, matchIds :notice SET entity = :entity, #ttl = :ttl",
                ExpressionAttributeNames: { "#ttl": table.ttlAttribute },
                ConditionExpression: "attribute_not_exists(used) OR used < :limit",
                ExpressionAttributeValues: {
                  ":one": 1,
                  ":notice": new Set([dedupeKey]),
                  ":limit": budget.limit,
                  ":entity": "MatchBudget",
                  ":ttl": Math.floor(Date.now() / 1000) + 2 * 86_400,
                },
              },
            },
          ],
        }),
      );
      return "told";
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? "None");
      if (codes[0] === "ConditionalCheckFailed") return "already";
      if (codes[2] === "ConditionalCheckFailed") return "budget-spent";
      throw error;
    }
  }

  async digestForOwner(match: Match): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.digestEntry(match.postOwnerId, match.matchId),
                entity: "DigestEntry",
                ...match,
              },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: {
                ...keys.digestDue(match.postOwnerId),
                entity: "DigestDue",
                memberId: match.postOwnerId,
              },
            },
          },
        ],
      }),
    );
  }

  async digest(match: Match): Promise<"digested" | "already"> {
    const result = await this.createWith(match, [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.digestEntry(match.candidateId, match.matchId), entity: "DigestEntry", ...match },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: { ...keys.digestDue(match.candidateId), entity: "DigestDue", memberId: match.candidateId },
        },
      },
    ]);
    if (result === "refused") throw new ConflictError("digest entry write was cancelled");
    return result === "done" ? "digested" : "already";
  }

  async pendingDigests(limit: number): Promise<Map<string, Match[]>> {
    const due = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.digestDue("").pk },
        Limit: limit,
      }),
    );
    const out = new Map<string, Match[]>();
    for (const item of due.Items ?? []) {
      const memberId = String(item.memberId);
      const entries = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.digestEntry(memberId, "").pk },
        }),
      );
      out.set(
        memberId,
        (entries.Items ?? []).map((i) => matchSchema.parse(i)),
      );
    }
    return out;
  }

  async clearDigest(memberId: string, matchIds: readonly string[]): Promise<void> {
    await Promise.all(
      matchIds.map((id) =>
        this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.digestEntry(memberId, id) })),
      ),
    );
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.digestDue(memberId) }));
  }

  async scheduleFollowUp(postId: string, dueAt: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.followUp(dueAt, postId), entity: "MatchFollowUp", postId, dueAt },
      }),
    );
  }

  async dueFollowUps(until: string, limit: number): Promise<{ postId: string; dueAt: string }[]> {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND sk <= :until",
        ExpressionAttributeValues: { ":pk": keys.followUp("", "").pk, ":until": `${until}#~` },
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map((i) => ({ postId: String(i.postId), dueAt: String(i.dueAt) }));
  }

  async clearFollowUp(postId: string, dueAt: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: keys.followUp(dueAt, postId) }));
  }
}

/**
 * Every digest item and refs item for these records, as the index consumer would leave them (for a
 * bulk load: one replace per entry would dominate loading a whole city).
 */
export function digestItemsForBulkLoad(records: readonly DigestRecord[], shards: number) {
  const digests = new Map<string, { address: DigestAddress; records: Record<string, string> }>();
  const refs = new Map<string, { refs: string[]; profile: string }>();
  for (const { entry, profile } of records) {
    const address = addressOf(entry, shards);
    const key = digestOf(address);
    const digest = digests.get(key) ?? { address, records: {} };
    digests.set(key, digest);
    const encoded = encodeProfile(profile);
    digest.records[`p#${entry.memberId}`] = encoded;
    digest.records[`e#${entry.memberId}#${entry.source}`] = encodeEntry(entry);
    const known = refs.get(entry.memberId) ?? { refs: [], profile: encoded };
    known.refs.push(refText({ ...address, source: entry.source }));
    refs.set(entry.memberId, known);
  }
  return [
    ...[...digests.values()].map(({ address, records: texts }) => ({
      ...keys.matchDigest(address.side, address.category, address.cell, address.shard),
      entity: "MatchDigest",
      side: address.side,
      category: address.category,
      cell: address.cell,
      v: 1,
      records: packRecords(texts),
    })),
    ...[...refs].map(([memberId, r]) => ({
      ...keys.digestRefs(memberId),
      entity: "DigestRefs",
      memberId,
      refs: r.refs,
      profile: r.profile,
      v: 1,
    })),
  ];
}

/** DynamoDB's size of an item: attribute names and values (strings and numbers as text). */
export function itemBytes(item: Record<string, unknown>): number {
  return Object.entries(item).reduce(
    (n, [name, value]) =>
      n +
      name.length +
      (typeof value === "string"
        ? Buffer.byteLength(value)
        : value instanceof Uint8Array
          ? value.byteLength
          : JSON.stringify(value).length),
    0,
  );
}
