import type { City } from "../config/city.ts";
import type { AuditEntry } from "./audit.ts";
import type { ChannelName, OutboundMessage } from "./channels.ts";
import type { Clock, IdGenerator } from "./clock.ts";
import type { Notification } from "./inbox.ts";
import type {
  ActivityRepository,
  ExchangeRepository,
  LedgerReportRepository,
  LedgerRepository,
} from "./ledger-ports.ts";
import type { MatchIndexRepository, MatchRepository, MatchSignalsRepository } from "./matching/ports.ts";
import type { Member, MemberStatus } from "./member.ts";
import type { Page, PageRequest } from "./paging.ts";
import type { PostRepository } from "./post-ports.ts";
import type { AccessLogRepository } from "./privacy/ports.ts";

/** Storage port for members; the DynamoDB adapter lives in shared/data. */
export interface MemberRepository {
  get(memberId: string): Promise<Member | undefined>;
  /** Several members at once (missing ids are absent from the map). */
  getMany(memberIds: readonly string[]): Promise<Map<string, Member>>;
  /** The member an identity-provider subject is linked to, if any. */
  getBySubject(subject: string): Promise<Member | undefined>;
  /**
   * Stores a new member and links the subject to it, atomically.
   * @throws ConflictError when the member id or the subject is taken.
   */
  create(member: Member, subject: string | undefined): Promise<void>;
  /**
   * Replaces the member if nobody changed it since it was read (optimistic lock on updatedAt).
   * @throws ConflictError when it changed meanwhile.
   */
  update(next: Member, expectedUpdatedAt: string): Promise<void>;
  /** Members with a status in one area, oldest first (the coordinators' queue). */
  listByStatus(status: MemberStatus, area: string, page: PageRequest): Promise<Page<Member>>;
  /**
   * Every active coordinator and admin of the city (an index of them alone, read in full: a city
   * has tens of them, not thousands). Eventually consistent.
   */
  listCoordinators(): Promise<Member[]>;
  /**
   * Writes a city's first admin, once ever: a guard item (create-only) with the new member and its
   * login link, or with the existing member promoted (if unchanged since it was read).
   * @returns "taken" when a first admin was made before; "changed" when the member changed meanwhile.
   */
  claimFirstAdmin(
    admin: Member,
    link: { subject: string } | { expectedUpdatedAt: string },
  ): Promise<"claimed" | "taken" | "changed">;
  /** How many members have this status in this area (an index count, not a scan). */
  countByStatus(status: MemberStatus, area: string): Promise<number>;
}

export interface InboxRepository {
  /** Delivers once per (member, dedupeKey): a retry or a replayed event finds it already there. */
  deliver(notification: Notification, dedupeKey: string): Promise<"delivered" | "duplicate">;
  /** Newest first. */
  list(memberId: string, page: PageRequest): Promise<Page<Notification>>;
  /** @throws NotFoundError when the member has no such notification. */
  markRead(memberId: string, notificationId: string, at: string): Promise<void>;
}

/** Sends email (SES) or SMS (SNS) in the cloud; writes a local outbox file on one machine. */
export interface MessageSender {
  send(message: OutboundMessage): Promise<void>;
}

/** Which notifications went out on which channel. */
export interface DeliveryRepository {
  wasSent(notificationId: string, channel: ChannelName): Promise<boolean>;
  recordSent(notificationId: string, channel: ChannelName, at: string): Promise<void>;
}

/**
 * Notices held back from email and SMS during quiet hours. Holding is idempotent per notice;
 * releasing writes one release item (the channel consumer sends it) and forgets what it released,
 * in one transaction.
 */
export interface HeldNoticeRepository {
  /** Holds a notice for its member; "already" when it is held (or was released) before. */
  hold(notification: Notification): Promise<"held" | "already">;
  /** Members with notices held, at most `limit`. */
  membersWaiting(limit: number): Promise<string[]>;
  /** A member's held notices, oldest first, at most `limit`. */
  heldFor(memberId: string, limit: number): Promise<Notification[]>;
  /**
   * Releases these held notices of a member together: a release item (create-only, keyed by its
   * first notice) and the held items gone, all or nothing. "already" when it was released before.
   */
  release(memberId: string, notifications: readonly Notification[]): Promise<"released" | "already">;
  /** Forgets a member with nothing held (unless something was held meanwhile). */
  forget(memberId: string): Promise<void>;
}

export interface AuditRepository {
  /** Stores an entry once; a second delivery of the same event is reported as a duplicate. */
  record(entry: AuditEntry): Promise<"recorded" | "duplicate">;
  listForSubject(subjectId: string, limit?: number): Promise<AuditEntry[]>;
}

export interface CityStats {
  date: string;
  membersByStatusAndArea: Record<string, Record<string, number>>;
  takenAt: string;
}

export interface StatsRepository {
  /** Writes the snapshot for its date, replacing an earlier one of the same day. */
  saveSnapshot(stats: CityStats): Promise<void>;
  getSnapshot(date: string): Promise<CityStats | undefined>;
}

/** What every use-case may depend on. Tests pass their own; handlers get the production set. */
export interface Deps {
  city: City;
  clock: Clock;
  ids: IdGenerator;
  members: MemberRepository;
  audit: AuditRepository;
  stats: StatsRepository;
  inbox: InboxRepository;
  deliveries: DeliveryRepository;
  held: HeldNoticeRepository;
  // -- matching --
  matchIndex: MatchIndexRepository;
  signals: MatchSignalsRepository;
  matches: MatchRepository;
  // -- posts (issue: residents, organisations, offers and requests) --
  posts: PostRepository;
  // -- exchanges and ledger --
  ledger: LedgerRepository;
  exchanges: ExchangeRepository;
  activities: ActivityRepository;
  ledgerReports: LedgerReportRepository;
  // -- residents' data rights --
  accessLog: AccessLogRepository;
}
