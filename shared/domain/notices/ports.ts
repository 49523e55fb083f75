import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { Language } from "#shared/config/city.ts";
import type { AuditEntry } from "./audit-trail.ts";
import type { Notification } from "./inbox.ts";

export type ChannelName = "email" | "sms";

/** One message on an outside channel, rendered from an inbox notification. */
export interface OutboundMessage {
  channel: ChannelName;
  to: string;
  subject: string;
  text: string;
  /** Email only: the same words as HTML, everything members typed escaped. */
  html?: string;
  /** The language the message is written in: the member's. */
  language: Language;
  memberId: string;
  notificationId: string;
  /**
   * Extra mail headers (email only): `List-Unsubscribe` and `List-Unsubscribe-Post` on the
   * kinds of notice a member can turn off in one click (RFC 8058).
   */
  headers?: Record<string, string>;
}

/** Keys the city signs its links with (unsubscribe links), one per purpose. */
export interface SigningKeyRepository {
  /** The key, if it was ever made. */
  find(purpose: string): Promise<Uint8Array | undefined>;
  /** The key, made (once, whoever asks first) if it does not exist yet. */
  findOrCreate(purpose: string): Promise<Uint8Array>;
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
  /** "opted-out": not sent, the SMS number is on the provider's opt-out list (it replied STOP). */
  send(message: OutboundMessage): Promise<"sent" | "opted-out">;
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

/** What notices (inbox, outside channels, the audit trail, city statistics) reach storage and the world through. */
export interface NoticesPorts {
  audit: AuditRepository;
  stats: StatsRepository;
  inbox: InboxRepository;
  deliveries: DeliveryRepository;
  held: HeldNoticeRepository;
  signingKeys: SigningKeyRepository;
}
