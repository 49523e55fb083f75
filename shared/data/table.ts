/**
 * The one definition of Mutua's single DynamoDB table. The CDK stack, the local bootstrap and the
 * tests all build the table from this object, so key names and indexes cannot drift apart.
 */
export interface IndexDefinition {
  /** Named after the access pattern the index serves. */
  name: string;
  partitionKey: string;
  sortKey: string;
  /** Attributes copied into the index besides the keys; "ALL" copies the whole item. */
  projection: "ALL" | "KEYS_ONLY" | readonly string[];
}

export interface TableDefinition {
  partitionKey: string;
  sortKey: string;
  /** Every key attribute is a string: ids, composite keys and zero-padded sort values. */
  indexes: readonly IndexDefinition[];
  streamView: "NEW_AND_OLD_IMAGES";
  /** Epoch seconds; DynamoDB deletes the item some time after it passes. */
  ttlAttribute: string;
}

export const table = {
  partitionKey: "pk",
  sortKey: "sk",
  indexes: [
    // Members waiting for a coordinator, by status and area, oldest first.
    { name: "membersByStatus", partitionKey: "statusPk", sortKey: "statusSk", projection: "ALL" },
    // -- posts and search --
    // -- exchanges and ledger --
  ],
  // Old and new images let consumers see what changed (audit trail, matching, projections).
  streamView: "NEW_AND_OLD_IMAGES",
  ttlAttribute: "expiresAt",
} as const satisfies TableDefinition;

/** Every key attribute name the table or an index uses; all are strings. */
export function keyAttributes(definition: TableDefinition = table): string[] {
  const names = new Set<string>([definition.partitionKey, definition.sortKey]);
  for (const index of definition.indexes) {
    names.add(index.partitionKey);
    names.add(index.sortKey);
  }
  return [...names];
}
