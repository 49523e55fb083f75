import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import { decodeCursor, encodeCursor } from "#domain/kernel/paging.ts";
import * as z from "#shared/zod.ts";
import { table } from "./table.ts";

/** What one attribute of a store position must be: exactly a value, longer than a prefix, or below a bound. */
export type KeyPart = { equals: string } | { prefix: string } | { below: string };

type IndexName = (typeof table.indexes)[number]["name"];

/** One paged Query: the table or an index, the partition read and the range of sort keys. */
export interface PagedQuery {
  index?: IndexName;
  partition: string;
  /** The key condition on the sort key; any sort key when absent. */
  sort?: KeyPart;
  /** For an index: what the table keys of its items look like (the store returns them in the position). */
  item?: { pk: KeyPart; sk: KeyPart };
}

/** The store refuses longer sort keys (1,024 bytes); partition keys allow 2,048 but ours are short. */
const MAX_KEY_BYTES = 1024;

function fits(part: KeyPart | undefined, value: string): boolean {
  if (!part) return true;
  if ("equals" in part) return value === part.equals;
  if ("prefix" in part) return value.length > part.prefix.length && value.startsWith(part.prefix);
  return value < part.below;
}

function keyAttribute(part: KeyPart | undefined) {
  return z.string().check(
    z.minLength(1),
    z.refine((value) => Buffer.byteLength(value, "utf8") <= MAX_KEY_BYTES, "too long for a key"),
    z.refine((value) => fits(part, value), "outside this query"),
  );
}

/**
 * Cursors for one store Query, made with the one cursor codec: the position is the store's
 * LastEvaluatedKey, bound to this query, and taken back only if it has exactly this query's key
 * attributes, its partition and a sort key inside its range, so the store never sees a start key
 * it would refuse or one from elsewhere.
 * @throws Error when an index query does not say what its items' table keys look like.
 */
export function storePaging(query: PagedQuery): {
  start(cursor: string | undefined): Record<string, string> | undefined;
  next(lastKey: Record<string, unknown> | undefined): string | undefined;
} {
  const shape: Record<string, ReturnType<typeof keyAttribute>> = {};
  if (query.index) {
    const index = table.indexes.find((i) => i.name === query.index);
    if (!index || !query.item)
      throw new Error(`a query on ${query.index} must say what its item keys look like`);
    shape[index.partitionKey] = keyAttribute({ equals: query.partition });
    shape[index.sortKey] = keyAttribute(query.sort);
    shape[table.partitionKey] = keyAttribute(query.item.pk);
    shape[table.sortKey] = keyAttribute(query.item.sk);
  } else {
    shape[table.partitionKey] = keyAttribute({ equals: query.partition });
    shape[table.sortKey] = keyAttribute(query.sort);
  }
  const position = z.strictObject(shape);
  const binding = JSON.stringify(["store", query]);
  return {
    start: (cursor) => decodeCursor(cursor, binding, position),
    next: (lastKey) => (lastKey ? encodeCursor(binding, lastKey) : undefined),
  };
}

/** The item keys of an entity whose sort key is fixed, from a key built with an empty id. */
export function entityKeys(sample: { pk: string; sk: string }): { pk: KeyPart; sk: KeyPart } {
  return { pk: { prefix: sample.pk }, sk: { equals: sample.sk } };
}

/** Where a newest-first page reads: a partition of the table or of an index, optionally one sort-key prefix. */
export interface NewestFirstKey {
  pk: string;
  prefix?: string;
  /** An index to read instead of the table; `item` then says what its items' table keys look like. */
  index?: IndexName;
  item?: { pk: KeyPart; sk: KeyPart };
}

/**
 * One page of a partition's items (of the table or of an index), newest first (optionally only sort
 * keys starting with `prefix`), each parsed, with the next page's cursor checked against this same query.
 * @throws Error when an index query does not say what its items' table keys look like.
 */
export async function newestFirstPage<T>(
  db: DynamoDBDocumentClient,
  tableName: string,
  key: NewestFirstKey,
  page: PageRequest,
  parse: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const index = key.index === undefined ? undefined : table.indexes.find((i) => i.name === key.index);
  const paging = storePaging({
    ...(key.index !== undefined ? { index: key.index } : {}),
    partition: key.pk,
    ...(key.prefix !== undefined ? { sort: { prefix: key.prefix } } : {}),
    ...(key.item !== undefined ? { item: key.item } : {}),
  });
  const pkName = index?.partitionKey ?? table.partitionKey;
  const skName = index?.sortKey ?? table.sortKey;
  const result = await db.send(
    new QueryCommand({
      TableName: tableName,
      ...(index ? { IndexName: index.name } : {}),
      KeyConditionExpression:
        key.prefix !== undefined ? `${pkName} = :pk AND begins_with(${skName}, :prefix)` : `${pkName} = :pk`,
      ExpressionAttributeValues: {
        ":pk": key.pk,
        ...(key.prefix !== undefined ? { ":prefix": key.prefix } : {}),
      },
      // Sort keys end in ULIDs or timestamps: descending is newest first.
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: paging.start(page.cursor),
    }),
  );
  const nextCursor = paging.next(result.LastEvaluatedKey);
  return { items: (result.Items ?? []).map(parse), ...(nextCursor ? { nextCursor } : {}) };
}
