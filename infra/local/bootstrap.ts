import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type Projection,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { type IndexDefinition, keyAttributes, type TableDefinition, table } from "#data/table.ts";

function projectionOf(index: IndexDefinition): Projection {
  if (index.projection === "ALL" || index.projection === "KEYS_ONLY")
    return { ProjectionType: index.projection };
  return { ProjectionType: "INCLUDE", NonKeyAttributes: [...index.projection] };
}

function gsiOf(index: IndexDefinition): GlobalSecondaryIndex {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: "HASH" },
      { AttributeName: index.sortKey, KeyType: "RANGE" },
    ],
    Projection: projectionOf(index),
  };
}

export type BootstrapResult = "created" | "updated" | "unchanged";

/**
 * Creates the table from the one table definition, or adds indexes the definition gained since.
 * Same shape as the CDK stack builds: on-demand, stream with old and new images, TTL.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  definition: TableDefinition = table,
): Promise<BootstrapResult> {
  const attributeDefinitions = keyAttributes(definition).map((name) => ({
    AttributeName: name,
    AttributeType: "S" as const,
  }));
  let existing: Set<string>;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    existing = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName ?? ""));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: attributeDefinitions,
        KeySchema: [
          { AttributeName: definition.partitionKey, KeyType: "HASH" },
          { AttributeName: definition.sortKey, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: definition.indexes.map(gsiOf),
        StreamSpecification: { StreamEnabled: true, StreamViewType: definition.streamView },
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: definition.ttlAttribute, Enabled: true },
      }),
    );
    return "created";
  }
  const missing = definition.indexes.filter((index) => !existing.has(index.name));
  // DynamoDB accepts one index creation per UpdateTable call.
  for (const index of missing) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: attributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: gsiOf(index) }],
      }),
    );
  }
  return missing.length > 0 ? "updated" : "unchanged";
}
