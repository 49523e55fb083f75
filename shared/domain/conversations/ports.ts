import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { InboxDelivery } from "#domain/notices/inbox.ts";
import type { Conversation, ConversationEntry, ConversationReport, Message } from "./conversation.ts";

/** What one send writes, all or nothing. */
export interface SendWrite {
  /** The conversation as it will be after the message (new when `isNew`). */
  conversation: Conversation;
  isNew: boolean;
  message: Message;
  /** The sender's member id and the others; each entry is created with the first message. */
  senderId: string;
  recipients: readonly string[];
  /** The sender's count of messages today and the most they may send. */
  day: string;
  dailyLimit: number;
}

export type SendOutcome =
  | { result: "sent" }
  /** This sender already sent a message with this client message id. */
  | { result: "duplicate"; existing: Message }
  /** A recipient blocked the sender or closed their account since it was read. */
  | { result: "closed" }
  | { result: "limit" }
  /** Someone else wrote first (the conversation changed); read again and retry. */
  | { result: "stale" };

export interface ConversationRepository {
  get(conversationId: string): Promise<Conversation | undefined>;
  /** A member's entry in a conversation, if they have one. */
  entry(memberId: string, conversationId: string): Promise<ConversationEntry | undefined>;
  /**
   * Writes the message, its client-id guard, the conversation, every party's entry (the sender's
   * read, the others' unread count up) and the sender's daily count under its limit, in one
   * transaction; each recipient must not have blocked the sender nor closed their account.
   */
  send(write: SendWrite): Promise<SendOutcome>;
  /** Newest first. */
  messages(conversationId: string, page: PageRequest): Promise<Page<Message>>;
  /** Some messages by id (missing ones are left out). */
  messagesById(conversationId: string, messageIds: readonly string[]): Promise<Message[]>;
  /** A member's conversations, latest activity first. */
  listFor(memberId: string, page: PageRequest): Promise<Page<ConversationEntry>>;
  /** Unread back to zero, read at `at`; a notice may go again for the next unread message. */
  markRead(memberId: string, conversationId: string, at: string): Promise<void>;
  /**
   * Claims the one notice a member gets for unread messages until they read, with the notice,
   * atomically. "already" when a notice went since they last read (or the entry is gone).
   */
  claimNotice(memberId: string, conversationId: string, notice: InboxDelivery): Promise<"told" | "already">;
  /** Stores a report, its queue entries and the conversation's report areas, all or nothing. */
  report(report: ConversationReport): Promise<void>;
  getReport(conversationId: string, reportId: string): Promise<ConversationReport | undefined>;
  /** Open reports in one area, or the whole city (`undefined`), oldest first. */
  openReports(area: string | undefined, page: PageRequest): Promise<Page<ConversationReport>>;
  /**
   * Records a decision: the report (only while open) and its queue entries gone, all or nothing.
   * @returns "stale" when it was decided meanwhile.
   */
  decide(report: ConversationReport): Promise<"decided" | "stale">;
  /** Removes a closed member's messages from a conversation and their entry. Idempotent. */
  eraseMember(memberId: string, conversationId: string): Promise<number>;
  /** Removes everything of a conversation that outlived its retention (messages, entries, reports). */
  erase(conversation: Conversation): Promise<number>;
}

/** The conversations feature's ports, part of every use-case's `Deps`. */
export interface ConversationsPorts {
  conversations: ConversationRepository;
}
