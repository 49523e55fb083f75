import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "#data/client.ts";
import { DynamoDeliveryRepository } from "#data/delivery-repository.ts";
import { idempotencyItem } from "#data/exchange-repository.ts";
import { keys } from "#data/keys.ts";
import { table } from "#data/table.ts";
import { ensureTable } from "../../../../infra/local/bootstrap.ts";
import { type Store, startStore } from "../../../../infra/local/store.ts";

let store: Store;
const tableName = "ttl";

beforeAll(async () => {
  store = await startStore({ useEnvironment: false });
  const db = createDocumentClient(store.endpoint);
  await ensureTable(db, tableName);
});
afterAll(async () => {
  await store.stop();
});

describe("items that expire", () => {
  it("carry their expiry in the table's TTL attribute, as epoch seconds", async () => {
    const db = createDocumentClient(store.endpoint);
    await new DynamoDeliveryRepository(db, tableName).recordSent("n1", "email", "2026-01-01T00:00:00.000Z");
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName, Key: keys.delivery("n1", "email") }),
    );
    expect(Item?.[table.ttlAttribute]).toBe(Date.parse("2026-01-31T00:00:00.000Z") / 1000);
    expect(Item).not.toHaveProperty("expiresAt");
  });

  it("store an idempotency record's expiry as the TTL, not under the record's own name", () => {
    const item = idempotencyItem({
      scope: "m1",
      key: "k1",
      fingerprint: "f",
      status: 201,
      body: "{}",
      createdAt: "2026-01-01T00:00:00.000Z",
      expiresAt: 1_790_000_000,
    });
    expect(item[table.ttlAttribute]).toBe(1_790_000_000);
    expect(item).not.toHaveProperty("expiresAt");
  });
});
