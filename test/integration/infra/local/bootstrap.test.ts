import { DescribeTimeToLiveCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { table } from "#data/table.ts";
import { ensureTable } from "../../../../infra/local/bootstrap.ts";
import { type Store, startStore } from "../../../../infra/local/store.ts";

let store: Store;
let client: DynamoDBClient;

beforeAll(async () => {
  store = await startStore({ useEnvironment: false });
  client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
});
afterAll(async () => {
  client.destroy();
  await store.stop();
});

async function ttlOf(tableName: string) {
  const { TimeToLiveDescription } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  return { attribute: TimeToLiveDescription?.AttributeName, status: TimeToLiveDescription?.TimeToLiveStatus };
}

describe("local table bootstrap", () => {
  it("creates the table with the definition's TTL attribute", async () => {
    expect(await ensureTable(client, "fresh")).toBe("created");
    expect(await ttlOf("fresh")).toEqual({ attribute: table.ttlAttribute, status: "ENABLED" });
    expect(await ensureTable(client, "fresh")).toBe("unchanged");
  });

  it("moves an existing city's TTL to the definition's attribute", async () => {
    // A city created when the TTL attribute was still `expiresAt`.
    await ensureTable(client, "older", { ...table, ttlAttribute: "expiresAt" });
    expect((await ttlOf("older")).attribute).toBe("expiresAt");
    expect(await ensureTable(client, "older")).toBe("updated");
    expect(await ttlOf("older")).toEqual({ attribute: table.ttlAttribute, status: "ENABLED" });
  });
});
