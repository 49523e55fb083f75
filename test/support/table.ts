import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "#data/client.ts";
import type { TestCity } from "./city.ts";

/** Every item of a test city's table, keyed `pk|sk`, each as JSON with its keys sorted. */
export type TableSnapshot = Map<string, string>;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value instanceof Set) return canonical([...value].sort());
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const clients = new WeakMap<TestCity, ReturnType<typeof createDocumentClient>>();

/**
 * A Scan of the whole private table: tests only (request paths never scan). Tests compare two
 * snapshots to prove that a refused request wrote nothing.
 */
export async function snapshotTable(city: TestCity, tableName = "mutua-test"): Promise<TableSnapshot> {
  let db = clients.get(city);
  if (!db) {
    db = createDocumentClient(city.runtime.store.endpoint);
    clients.set(city, db);
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
