import type { Exchange } from "#domain/exchanges/exchange.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { Member } from "#domain/membership/member.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import type { Activity } from "./activity.ts";
import type { Account, Book, BookRef, FreezeReason, JournalLine, PostingPlan, Transfer } from "./books.ts";
import type { IdempotencyRecord } from "./idempotency.ts";
import type { RedemptionRequest } from "./redemption-request.ts";

/** What a posting writes besides the ledger, in the same transaction. */
export interface PostingEffects {
  /** The exchange's new state; written only if its version is still `expectedVersion`. */
  exchange?: { next: Exchange; expectedVersion: number };
  idempotency?: IdempotencyRecord;
  /**
   * A venue's recorded redemption this posting approves: written "approved" (with the transfer)
   * only if still pending and unexpired, in the same transaction (one item).
   */
  approves?: { requestId: string; decidedAt: string; decidedBy: string };
  /** Inbox notices that land with the posting or not at all (two items each). */
  notices?: readonly InboxDelivery[];
}

/**
 * committed: everything was written. stale: a book changed since it was read (or DynamoDB
 * reported a transaction conflict); re-read and plan again. transfer-exists: a transfer with this
 * id was already made. idempotency-exists: a request with the same key committed first.
 * precondition: the exchange changed meanwhile.
 */
export type CommitOutcome =
  | { outcome: "committed" }
  | {
      outcome: "stale";
      staleBooks: BookRef[];
      /** The books as DynamoDB saw them when the conditions failed: plan on these without a re-read. */
      current: Book[];
    }
  | { outcome: "transfer-exists" }
  | { outcome: "idempotency-exists" }
  | { outcome: "precondition" };

/** New limits for an account and each of its books, guarded against racing postings. */
export interface LimitChange {
  account: Account;
  expectedVersion: number;
  books: { before: Book; creditLimit: number; maxBalance: number }[];
}

/**
 * A member's status change written with the freeze (or thaw) of their account, in one
 * transaction: a posting either commits before it or finds the account frozen.
 */
export interface StandingChange {
  member: Member;
  /** The member is written only if nobody changed it since (optimistic lock). */
  expectedUpdatedAt: string;
  /** The account's books as read (each gets or loses the freeze), or an account to open frozen. */
  account: { books: readonly Book[] } | { opening: { account: Account; books: readonly Book[] } };
  frozen: FreezeReason | undefined;
  /** Closing: every book must hold nothing at the moment it freezes. */
  requireZeroBalance: boolean;
  notices: readonly InboxDelivery[];
}

/** Storage port of the reciprocal ledger; the DynamoDB adapter is shared/data/ledger-repository.ts. */
export interface LedgerRepository {
  /** Account headers and the named books, strongly consistent, in one round trip. */
  read(
    accountIds: readonly string[],
    books: readonly BookRef[],
  ): Promise<{ accounts: Map<string, Account>; books: Map<string, Book> }>;
  /** An account with all of its books (one Query), or undefined if it was never opened. */
  readAccount(accountId: string): Promise<{ account: Account; books: Book[] } | undefined>;
  /** Creates the account and its books if absent (a no-op when another request opened it first). */
  openAccount(account: Account, books: readonly Book[]): Promise<"opened" | "exists">;
  /**
   * Writes a planned posting as one TransactWriteItems: the transfer (only if absent), every book
   * with its sequence and limit conditions, the journal lines, and the effects.
   */
  commit(plan: PostingPlan, effects: PostingEffects, clientRequestToken: string): Promise<CommitOutcome>;
  /**
   * Writes a member's new status with their account's freeze or thaw (and notices).
   * @returns "stale" when a book moved or appeared meanwhile (re-read and try again).
   * @throws ConflictError when the member changed meanwhile.
   */
  changeStanding(change: StandingChange): Promise<"changed" | "stale">;
  /** Replaces limits and book shares; "stale" when a posting or another change came first. */
  changeLimits(change: LimitChange): Promise<"changed" | "stale">;
  getTransfer(transferId: string): Promise<Transfer | undefined>;
  getTransfers(transferIds: readonly string[]): Promise<Map<string, Transfer>>;
  getIdempotencyRecord(scope: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Journal lines by book and sequence number (missing ones are absent), keyed `account#shard#seq`. */
  getLines(refs: readonly (BookRef & { seq: number })[]): Promise<Map<string, JournalLine>>;
  /** A book's lines in sequence order, after `afterSeq`. */
  listLines(ref: BookRef, afterSeq: number, limit: number): Promise<{ lines: JournalLine[]; more: boolean }>;
  /** Every account id ever opened, in pages (the audit's starting point; not a request path). */
  listAccountIds(page: PageRequest): Promise<Page<string>>;
}

export interface ActivityRepository {
  create(activity: Activity): Promise<void>;
  get(activityId: string): Promise<Activity | undefined>;
  /** Newest first. */
  list(page: PageRequest): Promise<Page<Activity>>;
}

/** Monthly report aggregates kept by the ledger-reports stream consumer. */
export interface LedgerReportRepository {
  /**
   * Applies one transfer's increments once: a guard item keyed by the transfer id is written in
   * the same transaction, so a redelivered stream record changes nothing.
   */
  applyTransfer(transferId: string, month: string, increments: readonly ReportIncrement[]): Promise<boolean>;
  /**
   * Counts a member once as active in a month in an area and once as having ever exchanged;
   * markers make both idempotent.
   */
  markParticipant(month: string, memberId: string, area: string): Promise<void>;
  /** Every aggregate of a month, and the all-time ones when month is "ALLTIME". */
  readMonth(month: string): Promise<ReportItem[]>;
}

/** What one monthly figure is about: an area, a category in an area, an organisation, or the pot. */
export type ReportAggregate =
  | { of: "area"; area: string }
  | { of: "category"; area: string; category: string }
  | { of: "organisation"; organisationId: string }
  | { of: "pot" };

/** Numbers to add to one aggregate, and labels to set on it. */
export interface ReportIncrement {
  aggregate: ReportAggregate;
  adds: Record<string, number>;
  labels?: Record<string, string>;
}

export interface ReportItem {
  aggregate: ReportAggregate;
  numbers: Record<string, number>;
  labels: Record<string, string>;
}

/** Storage port of recorded redemptions (shared/data/redemption-request-repository.ts). */
export interface RedemptionRequestRepository {
  /**
   * Writes the request (only if absent), its entries in the venue's day and the member's list,
   * the idempotency record and the member's notice, in one transaction.
   * @returns false when a request with this id exists.
   */
  create(
    request: RedemptionRequest,
    effects: { idempotency?: IdempotencyRecord; notice: InboxDelivery },
  ): Promise<boolean>;
  get(requestId: string): Promise<RedemptionRequest | undefined>;
  /** Pending → declined, only while pending and unexpired; false otherwise. */
  decline(requestId: string, decision: { decidedAt: string; decidedBy: string }): Promise<boolean>;
  /** The member's name on the request becomes `name` (erasure's pseudonym). */
  renameMember(requestId: string, name: string): Promise<void>;
  listForMember(memberId: string, page: PageRequest): Promise<Page<RedemptionRequest>>;
  listForVenueDay(venueId: string, day: string, page: PageRequest): Promise<Page<RedemptionRequest>>;
}

export interface LedgerPorts {
  ledger: LedgerRepository;
  activities: ActivityRepository;
  ledgerReports: LedgerReportRepository;
  redemptionRequests: RedemptionRequestRepository;
}
