import type { ReportAggregate } from "#domain/ledger/ports.ts";

/**
 * The partition-key prefixes of the ledger's own entries (journal lines and transfers): IAM lets
 * only the ledger's writers write items under them (a `dynamodb:LeadingKeys` condition).
 */
export const LEDGER_ENTRY_KEY_PREFIXES = ["JOURNAL#", "TRANSFER#"] as const;

function ledgerReportMonth(month: string): string {
  return `REPORT#${month}`;
}

function ledgerReportMarker(month: string, marker: string) {
  return { pk: `REPORTMARK#${month}`, sk: marker };
}

function reportAggregateSk(aggregate: ReportAggregate): string {
  switch (aggregate.of) {
    case "area":
      return `AREA#${aggregate.area}`;
    case "category":
      return `CAT#${aggregate.area}#${aggregate.category}`;
    case "organisation":
      return `ORG#${aggregate.organisationId}`;
    case "pot":
      return "POT";
  }
}

function reportAggregateOf(sk: string): ReportAggregate | undefined {
  const [type, first = "", ...rest] = sk.split("#");
  if (type === "AREA") return { of: "area", area: first };
  // Area ids carry no "#"; whatever follows the area is the category.
  if (type === "CAT") return { of: "category", area: first, category: rest.join("#") };
  if (type === "ORG") return { of: "organisation", organisationId: first };
  if (type === "POT") return { of: "pot" };
  return undefined;
}

/**
 * Every key string in the table is built here, so the entity/key chart in the README has exactly
 * one implementation. Prefixes are upper-case entity names; ids are ULIDs or subjects.
 */
export const keys = {
  member: (memberId: string) => ({ pk: `MEMBER#${memberId}`, sk: "PROFILE" }),
  /** Maps an identity provider subject (Cognito `sub`) to a member; one item per subject. */
  identity: (subject: string) => ({ pk: `IDENTITY#${subject}`, sk: "IDENTITY" }),
  /** The member's own record of a login linked to it, beside the member: erasure finds it here. */
  memberLogin: (memberId: string, subject: string) => ({ pk: `MEMBER#${memberId}`, sk: `LOGIN#${subject}` }),
  memberLoginPrefix: "LOGIN#",
  /**
   * An organisation a person is an admin of, beside the person: "the organisations I administer"
   * is one Query. Written with the organisation whenever its admins are; one left behind by an
   * admin's removal is ignored when read (the organisation's own `admins` decides).
   */
  organisationAdmin: (personId: string, organisationId: string) => ({
    pk: `MEMBER#${personId}`,
    sk: `ADMINOF#${organisationId}`,
  }),
  organisationAdminPrefix: "ADMINOF#",
  /** A coordinator's or admin's read of a member's personal data, in the member's partition. */
  accessRecord: (memberId: string, at: string, recordId: string) => ({
    pk: `ACCESS#${memberId}`,
    sk: `${at}#${recordId}`,
  }),
  /** A member's export job, in the member's exports partition beside the running marker. */
  exportJob: (memberId: string, jobId: string) => ({ pk: `EXPORTS#${memberId}`, sk: `JOB#${jobId}` }),
  /**
   * Which of the member's export jobs is running: one item per member, so a second start is
   * refused by a condition, in one partition the export schedule reads (a few items at a time).
   */
  exportRunning: (memberId: string) => ({ pk: "EXPORTJOBS", sk: `RUNNING#${memberId}` }),
  auditEntry: (subjectId: string, at: string, eventId: string) => ({
    pk: `AUDIT#${subjectId}`,
    sk: `${at}#${eventId}`,
  }),
  membersByStatus: (status: string, area: string) => `MEMBERS#${status}#${area}`,
  /** Made once, with the city's first admin: a second first admin cannot be written. */
  firstAdmin: () => ({ pk: "CITY", sk: "FIRSTADMIN" }),
  /** The partition of the activeCoordinators index: every active coordinator and admin of the city. */
  activeCoordinators: "COORDINATORS",
  cityStats: (date: string) => ({ pk: "CITYSTATS", sk: date }),
  /** Inbox entries live under the member's partition, newest last by ULID. */
  notification: (memberId: string, notificationId: string) => ({
    pk: `INBOX#${memberId}`,
    sk: `NOTE#${notificationId}`,
  }),
  /** A key the city signs links with (e.g. "unsubscribe"), made once on first use. */
  signingKey: (purpose: string) => ({ pk: "CITY", sk: `SIGNINGKEY#${purpose}` }),
  /** A notice sent on an outside channel (email, SMS). */
  delivery: (notificationId: string, channel: string) => ({ pk: `DELIVERY#${notificationId}`, sk: channel }),
  /** A notice held back from email and SMS in quiet hours, until they end. */
  heldNotice: (memberId: string, notificationId: string) => ({ pk: `HELD#${memberId}`, sk: notificationId }),
  /** Members with notices held: one small partition the release schedule reads. */
  heldDue: (memberId: string) => ({ pk: "HELDNOTICES", sk: memberId }),
  /** Held notices released together after quiet hours; the channel consumer sends them. */
  noticeRelease: (memberId: string, releaseId: string) => ({ pk: `RELEASE#${memberId}`, sk: releaseId }),
  /** Marks that a notification with this dedupe key was delivered (exactly-once delivery). */
  inboxGuard: (memberId: string, dedupeKey: string) => ({
    pk: `INBOX#${memberId}`,
    sk: `GUARD#${dedupeKey}`,
  }),
  // -- matching --
  /**
   * A cell digest of the matching index: the records of everyone who gives or asks a category in one
   * fine cell (or `online` / `anywhere`), split into shards by member id.
   */
  matchDigest: (side: string, category: string, cell: string, shard: number) => ({
    pk: `MATCHDIGEST#${side}#${category}#${cell}`,
    sk: `SHARD#${shard}`,
  }),
  /** Where a member's digest records are, and the profile they carry. */
  digestRefs: (memberId: string) => ({ pk: `DIGESTREFS#${memberId}`, sk: "DIGESTREFS" }),
  match: (matchId: string) => ({ pk: `MATCH#${matchId}`, sk: "MATCH" }),
  /** A post's ranked candidates, one item: the rounds of notices draw from it. */
  shortlist: (postId: string) => ({ pk: `SHORTLIST#${postId}`, sk: "SHORTLIST" }),
  matchesByCandidate: (memberId: string) => `MATCHES#${memberId}`,
  matchesByPost: (postId: string) => `POSTMATCHES#${postId}`,
  /** Match notices a member got on one local day (the fatigue budget). */
  matchBudget: (memberId: string, day: string) => ({ pk: `MATCHBUDGET#${memberId}`, sk: day }),
  /** Matches waiting for a member's daily digest. */
  digestEntry: (memberId: string, matchId: string) => ({ pk: `DIGEST#${memberId}`, sk: matchId }),
  /** Members with a digest waiting: one small partition the digest schedule reads. */
  digestDue: (memberId: string) => ({ pk: "DIGESTS", sk: memberId }),
  /** A post whose next candidates are due to be told if nobody answered. */
  followUp: (dueAt: string, postId: string) => ({ pk: "MATCHFOLLOWUPS", sk: `${dueAt}#${postId}` }),
  /** Per member: exchange partners and answer rates, kept up to date from the stream. */
  matchSignals: (memberId: string) => ({ pk: `SIGNALS#${memberId}`, sk: "SIGNALS" }),
  // -- posts (issue: residents, organisations, offers and requests) --
  post: (postId: string) => ({ pk: `POST#${postId}`, sk: "POST" }),
  /** An open post under one of its search words and kind, newest first; it carries the post's card. */
  postWord: (word: string, kind: string, createdAt: string, postId: string) => ({
    pk: `POSTWORD#${word}#${kind}`,
    sk: `${createdAt}#${postId}`,
  }),
  postsByOwner: (ownerId: string) => `POSTS#OWNER#${ownerId}`,
  postsByArea: (area: string) => `POSTS#AREA#${area}`,
  /** Live posts by the UTC day their reminder or expiry falls due. */
  postsByDueDay: (day: string) => `POSTS#DUE#${day}`,
  /** Open posts of a kind in a 5-character geohash cell, or in the cell "online". */
  openPostsByCell: (kind: string, cell: string) => `OPENCELL#${kind}#${cell}`,
  openPostsByCategoryCell: (category: string, kind: string, cell: string) =>
    `OPENCATCELL#${category}#${kind}#${cell}`,
  openPostsByCategory: (category: string, kind: string) => `OPENCAT#${category}#${kind}`,
  openPostsRecent: (kind: string) => `OPENRECENT#${kind}`,
  /** Sort keys: newest-first lists and word entries use `at`; place indexes use a 9-character geohash. */
  postAtSk: (at: string, postId: string) => `${at}#${postId}`,
  postPlaceSk: (geohash: string, postId: string) => `${geohash}#${postId}`,
  // -- exchanges and ledger --
  /** An account's header (kind, limits, number of books); its books share the partition. */
  account: (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: "ACCOUNT" }),
  /** One balance shard of an account; zero-padded so the books sort in order after the header. */
  accountBook: (accountId: string, shard: number) => ({
    pk: `ACCOUNT#${accountId}`,
    sk: `BOOK#${String(shard).padStart(2, "0")}`,
  }),
  /** Every account ever opened, in one partition: where the ledger audit starts. */
  accountRegistry: (accountId: string) => ({ pk: "LEDGER#ACCOUNTS", sk: accountId }),
  /** A book's journal, a partition per book; lines sort by zero-padded sequence number. */
  journalLine: (accountId: string, shard: number, seq: number) => ({
    pk: `JOURNAL#${accountId}#${shard}`,
    sk: String(seq).padStart(12, "0"),
  }),
  transfer: (transferId: string) => ({ pk: `TRANSFER#${transferId}`, sk: "TRANSFER" }),
  /** The stored response of a keyed request, per calling member. */
  idempotency: (scope: string, key: string) => ({ pk: `IDEMPOTENCY#${scope}#${key}`, sk: "IDEMPOTENCY" }),
  exchange: (exchangeId: string) => ({ pk: `EXCHANGE#${exchangeId}`, sk: "EXCHANGE" }),
  /** Points a party's partition at one of their exchanges, in order of creation. */
  exchangeParty: (memberId: string, createdAt: string, exchangeId: string) => ({
    pk: `PARTY#${memberId}`,
    sk: `EXCHANGE#${createdAt}#${exchangeId}`,
  }),
  exchangesByStatus: (status: string) => `EXCHANGES#${status}`,
  /** An exchange's entry in one area's queue; it shares the exchange's partition. */
  exchangeQueueEntry: (exchangeId: string, area: string) => ({
    pk: `EXCHANGE#${exchangeId}`,
    sk: `AREA#${area}`,
  }),
  exchangesByStatusAndArea: (status: string, area: string) => `EXCHANGES#${status}#${area}`,
  /** Activities that accept credits: one small partition per city, newest last by ULID. */
  activity: (activityId: string) => ({ pk: "ACTIVITIES", sk: `ACTIVITY#${activityId}` }),
  /** A redemption a venue recorded, waiting for (or decided by) the member. */
  redemptionRequest: (requestId: string) => ({ pk: `REDEEMREQ#${requestId}`, sk: "REQUEST" }),
  /** Points a venue's local day at a request it recorded (the daily list), newest last by id. */
  venueRedemptionDay: (venueId: string, day: string, createdAt: string, requestId: string) => ({
    pk: `VENUEREDEEM#${venueId}#${day}`,
    sk: `${createdAt}#${requestId}`,
  }),
  venueRedemptionDayPk: (venueId: string, day: string) => `VENUEREDEEM#${venueId}#${day}`,
  /** Points a member's partition at a request recorded for them, in order of recording. */
  memberRedemption: (memberId: string, createdAt: string, requestId: string) => ({
    pk: `REDEEMREQS#${memberId}`,
    sk: `${createdAt}#${requestId}`,
  }),
  memberRedemptionPk: (memberId: string) => `REDEEMREQS#${memberId}`,
  /** A monthly report aggregate (`AREA#..`, `CAT#..`, `ORG#..`, `POT`); month "ALLTIME" for totals. */
  ledgerReport: (month: string, aggregate: ReportAggregate) => ({
    pk: ledgerReportMonth(month),
    sk: reportAggregateSk(aggregate),
  }),
  /** The partition of a month's report aggregates. */
  ledgerReportMonth,
  /** The sort key of a report aggregate within its month. */
  reportAggregateSk,
  /** The aggregate a report item's sort key names; undefined for a key it does not know. */
  reportAggregateOf,
  /** Makes each report increment exactly-once, per transfer and per member counted. */
  ledgerReportTransferMarker: (month: string, transferId: string) =>
    ledgerReportMarker(month, `TRANSFER#${transferId}`),
  ledgerReportActiveMarker: (month: string, memberId: string) =>
    ledgerReportMarker(month, `ACTIVE#${memberId}`),
  ledgerReportEverMarker: (month: string, memberId: string) => ledgerReportMarker(month, `EVER#${memberId}`),
  // -- operations --
  /** A stream record a consumer failed on, waiting for a replay: one partition for the city. */
  streamFailure: (consumer: string, eventId: string) => ({
    pk: "STREAMFAILURES",
    sk: `${consumer}#${eventId}`,
  }),
  /** Where a resumable schedule stands in its current pass. */
  scheduleCheckpoint: (schedule: string) => ({ pk: `SCHEDULE#${schedule}`, sk: "CHECKPOINT" }),
  // -- conversations --
  /** A conversation's header; its messages, client-id guards and reports share its partition. */
  conversation: (conversationId: string) => ({ pk: `CONVO#${conversationId}`, sk: "CONVO" }),
  /** One message, in order of sending by ULID. */
  conversationMessage: (conversationId: string, messageId: string) => ({
    pk: `CONVO#${conversationId}`,
    sk: `MSG#${messageId}`,
  }),
  /** Makes a client message id one message per sender. */
  conversationClientId: (conversationId: string, senderId: string, clientMessageId: string) => ({
    pk: `CONVO#${conversationId}`,
    sk: `CLIENTMSG#${senderId}#${clientMessageId}`,
  }),
  conversationReport: (conversationId: string, reportId: string) => ({
    pk: `CONVO#${conversationId}`,
    sk: `REPORT#${reportId}`,
  }),
  /** A member's place in a conversation (unread count, last read); listed by the conversationsByMember index. */
  conversationEntry: (memberId: string, conversationId: string) => ({
    pk: `CONVOS#${memberId}`,
    sk: `CONVO#${conversationId}`,
  }),
  conversationsByMember: (memberId: string) => `CONVOS#${memberId}`,
  conversationsByMemberSk: (lastActivityAt: string, conversationId: string) =>
    `${lastActivityAt}#${conversationId}`,
  /** Messages a member sent on one local day (the daily limit). */
  messageDay: (memberId: string, day: string) => ({ pk: `MSGDAY#${memberId}`, sk: day }),
  /** An open report in one area's queue (or "ALL", the whole city's), oldest first. */
  conversationReportQueue: (scope: string, at: string, reportId: string) => ({
    pk: `CONVOREPORTS#${scope}`,
    sk: `${at}#${reportId}`,
  }),
} as const;
