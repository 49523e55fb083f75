import { inflateRawSync } from "node:zlib";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "#data/client.ts";
import type { TestCity } from "./city.ts";

/** Every item of a test city's table, keyed `pk|sk`, each as JSON with its keys sorted. */
export type TableSnapshot = Map<string, string>;

/**
 * A binary attribute as text a test can search: the matching digests keep their records deflated
 * (a walk for personal data must see inside them); any other binary as base64.
 */
function binaryText(bytes: Uint8Array): string {
  try {
    return inflateRawSync(bytes).toString("utf8");
  } catch {
    return Buffer.from(bytes).toString("base64");
  }
}

function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify(binaryText(value));
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value instanceof Set) return canonical([...value].sort());
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** One client per store (by its endpoint: a city of `useTestCity` stands for a new store in each test). */
const clients = new Map<string, ReturnType<typeof createDocumentClient>>();

/**
 * A Scan of the whole private table: tests only (request paths never scan). Tests compare two
 * snapshots to prove that a refused request wrote nothing.
 */
export async function snapshotTable(city: TestCity, tableName = "mutua-test"): Promise<TableSnapshot> {
  const endpoint = city.runtime.store.endpoint;
  let db = clients.get(endpoint);
  if (!db) {
    db = createDocumentClient(endpoint);
    clients.set(endpoint, db);
  }
  const items: TableSnapshot = new Map();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) items.set(`${item.pk}|${item.sk}`, canonical(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** The keys of items added, removed or changed between two snapshots (empty when nothing changed). */
export function tableChanges(before: TableSnapshot, after: TableSnapshot): string[] {
  const changed: string[] = [];
  for (const [key, item] of after) if (before.get(key) !== item) changed.push(key);
  for (const key of before.keys()) if (!after.has(key)) changed.push(key);
  return changed.sort();
}
