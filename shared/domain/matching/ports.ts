import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { AvailabilityWindow, Member } from "#domain/membership/member.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import type { IndexEntry, Side } from "./index-entries.ts";
import type { Match } from "./match.ts";

/** What a member's records say about them in every digest they are in. */
export interface DigestProfile {
  languages: Member["languages"];
  verified: boolean;
  /** Whether the member is active (only active members can be matched). */
  active: boolean;
  /** Whom the member blocked (they never pair). */
  blocked: string[];
  /**
   * The member's own weekly windows: scoring takes them for any of their entries without windows
   * of its own (a post that gave none), so a bound must too.
   */
  windows: AvailabilityWindow[];
  /** Upper bounds, in steps of 1/STEPS, of the reciprocity part as a giver and as an asker. */
  giverReciprocity: number;
  askerReciprocity: number;
  /** Upper bound, in steps, of the responsiveness part. */
  responsiveness: number;
  /** Upper bound, in steps, of the completion factor of trust (0.5..1; 1 with no exchanges yet). */
  completion: number;
  /** Whether the member has exchanged with anyone (a partner in common needs one). */
  partners: boolean;
}

/** One entry as a digest holds it, with its member's profile. */
export interface DigestRecord {
  entry: IndexEntry;
  profile: DigestProfile;
}

/** One digest item: an entry's side, category and cell, and its shard. */
export interface DigestAddress {
  side: Side;
  category: string;
  cell: string;
  shard: number;
}

export interface MatchIndexRepository {
  /**
   * Replaces a member's entries from one source (their skills, "SKILL", or one of their posts) in
   * the cell digests, and stores `settle(stored profile)` as their profile in every digest they
   * are in (rewriting all of them only when it changed). Idempotent.
   */
  replace(change: {
    memberId: string;
    source: string;
    next: readonly IndexEntry[];
    shards: number;
    settle: (stored: DigestProfile | undefined) => DigestProfile;
  }): Promise<void>;
  /**
   * Rewrites a member's profile in every digest they are in, when `settle(stored)` differs from
   * it; nothing when they are in none.
   */
  reprofile(memberId: string, settle: (stored: DigestProfile) => DigestProfile): Promise<void>;
  /**
   * Every record of these digests, read in parallel (one round of batch reads; missing digests are
   * empty). `items` counts the digest items the store returned, `bytes` their records' size.
   */
  read(addresses: readonly DigestAddress[]): Promise<{
    records: DigestRecord[];
    items: number;
    bytes: number;
    calls: number;
    depth: number;
  }>;
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
  /** `consistent` reads what the last write left (for keeping digests in step with signals). */
  getMany(
    memberIds: readonly string[],
    options?: { consistent?: boolean },
  ): Promise<Map<string, MemberSignals>>;
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
