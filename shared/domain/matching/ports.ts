import type { Page, PageRequest } from "../paging.ts";
import type { IndexEntry, Side } from "./index-entries.ts";
import type { Match } from "./match.ts";

export interface MatchIndexRepository {
  /** Replaces one owner's entries: removes what is gone, writes what is new (idempotent). */
  replace(previous: readonly IndexEntry[], next: readonly IndexEntry[]): Promise<void>;
  /** Entries in these cells, read in parallel; `read` counts the items the store read. */
  query(
    side: Side,
    category: string,
    cells: readonly string[],
    limitPerCell: number,
  ): Promise<{ entries: IndexEntry[]; read: number; calls: number }>;
}

/** What the stream keeps per member for scoring: exchange partners and how they answer. */
export interface MemberSignals {
  memberId: string;
  /** partner member id -> settled exchanges together */
  partners: Record<string, number>;
  settled: number;
  cancelled: number;
  told: number;
  answered: number;
  /** The member's ledger balance and minutes earned by giving, if they have an account. */
  balance: number | undefined;
  givenMinutes: number | undefined;
}

export interface MatchSignalsRepository {
  getMany(memberIds: readonly string[]): Promise<Map<string, MemberSignals>>;
  /** Counts one event once (the key identifies it), e.g. an exchange settling or a match answered. */
  apply(eventKey: string, memberId: string, change: SignalsChange): Promise<void>;
}

export type SignalsChange =
  | { type: "exchange"; partnerIds: string[]; outcome: "settled" | "cancelled" }
  | { type: "told" }
  | { type: "answered" }
  /** A ledger book's latest state (last write wins: the stream delivers each book in order). */
  | { type: "ledger"; shard: number; balance: number; totalIn: number };

export interface MatchRepository {
  /** Stores matches that do not exist yet; existing ones (same id) are left as they are. Returns those created. */
  createMissing(matches: readonly Match[]): Promise<Match[]>;
  get(matchId: string): Promise<Match | undefined>;
  /**
   * Replaces a match if it did not change since read.
   * @throws ConflictError otherwise.
   */
  update(next: Match, expectedUpdatedAt: string): Promise<void>;
  listForCandidate(memberId: string, page: PageRequest): Promise<Page<Match>>;
  /** Best score first. */
  listForPost(postId: string, limit: number): Promise<Match[]>;
  /** A member's notices today, counted against the daily budget; false when the budget is spent. */
  takeBudget(memberId: string, day: string, limit: number, matchId: string): Promise<boolean>;
  addToDigest(match: Match): Promise<void>;
  /** Members with matches waiting for their digest, and those matches. */
  pendingDigests(limit: number): Promise<Map<string, Match[]>>;
  clearDigest(memberId: string, matchIds: readonly string[]): Promise<void>;
  scheduleFollowUp(postId: string, dueAt: string): Promise<void>;
  dueFollowUps(until: string, limit: number): Promise<{ postId: string; dueAt: string }[]>;
  clearFollowUp(postId: string, dueAt: string): Promise<void>;
}
