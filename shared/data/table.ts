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
    // Active coordinators and admins, one small partition (sparse: only they carry the keys): who
    // is told of a dispute in their scope, and whether a city has an admin yet.
    {
      name: "activeCoordinators",
      partitionKey: "coordinatorPk",
      sortKey: "coordinatorSk",
      projection: "ALL",
    },
    // -- matching --
    // A member's matches (they are the candidate), newest first: GET /me/matches.
    { name: "matchesByCandidate", partitionKey: "candidatePk", sortKey: "candidateSk", projection: "ALL" },
    // A post's matches, best score first: GET /posts/{id}/matches and choosing who to tell next.
    { name: "matchesByPost", partitionKey: "matchPostPk", sortKey: "matchPostSk", projection: "ALL" },
    // -- posts and search --
    // Posts carry a `card` (what lists and results show: no description, no home) and every post
    // index copies only that. The open* indexes are sparse: a post leaves them when it stops being open.
    // A member's posts, any status, newest first.
    { name: "postsByOwner", partitionKey: "ownerPk", sortKey: "ownerSk", projection: ["card"] },
    // Posts made in an area, any status, newest first: the coordinators' CSV export.
    { name: "postsByArea", partitionKey: "areaPk", sortKey: "areaSk", projection: ["card"] },
    // Open and paused posts by the UTC day their reminder or expiry falls due: the expiry schedule.
    { name: "postsByDueDay", partitionKey: "duePk", sortKey: "dueSk", projection: ["card"] },
    // Open posts near a place: (kind, geohash-5 cell) partitions sorted by geohash-9, so any finer
    // cell is one key range. Online posts form the cell "online", newest first.
    { name: "openPostsByCell", partitionKey: "cellPk", sortKey: "cellSk", projection: ["card"] },
    // The same per category: (category, kind, cell).
    {
      name: "openPostsByCategoryCell",
      partitionKey: "catCellPk",
      sortKey: "catCellSk",
      projection: ["card"],
    },
    // Open posts of a category and kind city-wide, newest first.
    { name: "openPostsByCategory", partitionKey: "catPk", sortKey: "catSk", projection: ["card"] },
    // Open posts of a kind city-wide, newest first.
    { name: "openPostsRecent", partitionKey: "recentPk", sortKey: "recentSk", projection: ["card"] },
    // -- exchanges and ledger --
    // Exchanges by status, oldest in that status first: the auto-confirm schedule finds completed
    // exchanges past 14 days, the ledger audit walks settled ones. Exchanges are small and nearly
    // every write changes the status, so projecting the whole item costs little more than keys.
    {
      name: "exchangesByStatus",
      partitionKey: "exchangeStatusPk",
      sortKey: "exchangeStatusSk",
      projection: "ALL",
    },
    // The coordinators' queue: exchanges by status in an area, oldest in that status first. An
    // exchange is in the queue of its own area and of every party's area (one entry per area), so
    // the index is on queue entries, not on the exchange.
    {
      name: "exchangesByStatusAndArea",
      partitionKey: "queuePk",
      sortKey: "queueSk",
      projection: ["exchangeId"],
    },
    // -- conversations --
    // A member's conversations, latest activity first: GET /me/conversations. Each member's entry
    // is re-keyed by the send that moves it, in the same transaction as the message.
    {
      name: "conversationsByMember",
      partitionKey: "convoMemberPk",
      sortKey: "convoMemberSk",
      projection: "ALL",
    },
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
