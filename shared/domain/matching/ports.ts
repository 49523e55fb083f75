import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import type { Area, IndexEntry, Side } from "./index-entries.ts";
import type { Match } from "./match.ts";

export interface MatchIndexRepository {
  /** Replaces one owner's entries: removes what is gone, writes what is new (idempotent). */
  replace(previous: readonly IndexEntry[], next: readonly IndexEntry[]): Promise<void>;
  /**
   * Every entry in these areas (all pages), the areas read in parallel. `read` counts the items the
   * store read, `calls` the requests, `depth` the longest chain of pages.
   */
  read(
    side: Side,
    category: string,
    areas: readonly Area[],
  ): Promise<{ entries: IndexEntry[]; read: number; calls: number; depth: number }>;
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
  /**
   * The member's ledger balance, and the minutes they gave to people in settled exchanges, if
   * they have an account.
   */
  balance: number | undefined;
  givenMinutes: number | undefined;
  /** When the member's latest settled exchange settled, as the stream last told it (none before). */
  lastSettledAt?: string | undefined;
}

export interface MatchSignalsRepository {
  getMany(memberIds: readonly string[]): Promise<Map<string, MemberSignals>>;
  /** Counts one event once (the key identifies it), e.g. an exchange settling or a match answered. */
  apply(eventKey: string, memberId: string, change: SignalsChange): Promise<void>;
}

export type SignalsChange =
  | {
      type: "exchange";
      partnerIds: string[];
      outcome: "settled" | "cancelled";
      /** What this member gave as a provider in it (0 for receivers and cancelled exchanges). */
      givenMinutes: number;
      /** When it settled (settled exchanges). */
      at?: string;
    }
  | { type: "told" }
  | { type: "answered" }
  /** A ledger book's latest state (last write wins: the stream delivers each book in order). */
  | { type: "ledger"; shard: number; balance: number };

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
  /** Replaces a post's ranked candidates (status "candidate"; not yet matches anyone sees but the owner). */
  saveShortlist(postId: string, candidates: readonly Match[]): Promise<void>;
  shortlist(postId: string): Promise<Match[]>;
  dropShortlist(postId: string): Promise<void>;
  /**
   * Tells a candidate, atomically: creates the match (status "notified"), puts the notice in their
   * inbox and counts it against their budget for the day. "already" if the match existed (a
   * redelivery), "budget-spent" (nothing written) if the day's budget was used up.
   */
  tell(
    match: Match,
    notification: Notification,
    budget: { day: string; limit: number },
  ): Promise<"told" | "already" | "budget-spent">;
  /**
   * Tells a post's owner of its best candidates, atomically: the notice (once per dedupe key) and
   * its count against the owner's budget for the day. "already" if this notice was delivered
   * before, "budget-spent" (nothing written) if the day's budget was used up.
   */
  tellOwner(
    notification: Notification,
    dedupeKey: string,
    budget: { day: string; limit: number },
  ): Promise<"told" | "already" | "budget-spent">;
  /** Queues a match for its post owner's digest (the owner hears of the candidate there). */
  digestForOwner(match: Match): Promise<void>;
  /** Creates the match (status "digest") and queues it for the candidate's digest, atomically. */
  digest(match: Match): Promise<"digested" | "already">;
  /** Members with matches waiting for their digest, and those matches. */
  pendingDigests(limit: number): Promise<Map<string, Match[]>>;
  clearDigest(memberId: string, matchIds: readonly string[]): Promise<void>;
  scheduleFollowUp(postId: string, dueAt: string): Promise<void>;
  dueFollowUps(until: string, limit: number): Promise<{ postId: string; dueAt: string }[]>;
  clearFollowUp(postId: string, dueAt: string): Promise<void>;
}

export interface MatchingPorts {
  matchIndex: MatchIndexRepository;
  signals: MatchSignalsRepository;
  matches: MatchRepository;
}
