import type { Deps } from "#domain/deps.ts";
import { ConflictError, NotFoundError, RuleViolationError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import { localDate } from "#domain/kernel/time.ts";
import { IdempotencyKeyReusedError } from "#domain/ledger/errors.ts";
import type { Acting } from "#domain/membership/acting.ts";
import { coordinatesArea, type Member } from "#domain/membership/member.ts";
import type { Notification } from "#domain/notices/inbox.ts";
import {
  blockedBetween,
  type Conversation,
  type ConversationEntry,
  type ConversationView,
  dailyMessageLimit,
  linksAllowed,
  type Message,
  type MessageView,
  noticeExcerpt,
  retainUntil,
  type SendMessage,
} from "./conversation.ts";
import { MessageLimitError } from "./errors.ts";
import { conversationWords } from "./notices.ts";

export type ConversationDeps = Pick<
  Deps,
  "city" | "clock" | "ids" | "members" | "matches" | "exchanges" | "signals" | "conversations"
>;

/** A conversation as stored, or the one an accepted match or an exchange would start (no message yet). */
type Found = { conversation: Conversation; stored: boolean };

function notFound(): NotFoundError {
  return new NotFoundError("No such conversation");
}

function isSensitive(deps: Pick<Deps, "city">, category: string): boolean {
  return deps.city.skills.find((s) => s.id === category)?.sensitive === true;
}

/**
 * The conversation with this id: stored, or about to start from an accepted match or an exchange
 * of that id (its parties, category and sensitivity come from there).
 */
async function findConversation(deps: ConversationDeps, conversationId: string): Promise<Found | undefined> {
  const stored = await deps.conversations.get(conversationId);
  if (stored) return { conversation: stored, stored: true };
  const now = deps.clock.now();
  const fresh = (source: "match" | "exchange", parties: string[], category: string, sensitive: boolean) => ({
    conversation: {
      conversationId,
      source,
      parties: [...new Set(parties)],
      category,
      sensitive,
      createdAt: now.toISOString(),
      lastActivityAt: now.toISOString(),
      messageCount: 0,
      reportAreas: [],
      retainUntil: retainUntil(deps.city.conversations, now),
    },
    stored: false,
  });
  if (conversationId.includes("_")) {
    const match = await deps.matches.get(conversationId);
    if (match?.status !== "accepted") return undefined;
    return fresh(
      "match",
      [match.postOwnerId, match.candidateId],
      match.category,
      isSensitive(deps, match.category),
    );
  }
  const exchange = await deps.exchanges.get(conversationId);
  if (!exchange) return undefined;
  return fresh(
    "exchange",
    exchange.parties.map((p) => p.memberId),
    exchange.category,
    exchange.sensitive === true || isSensitive(deps, exchange.category),
  );
}

export type Reading = "party" | "coordinator";

/**
 * Who may see a conversation: its parties (or whoever acts for one), and coordinators in scope of
 * a report about it (only then, and only without acting for someone). Anyone else gets the 404 a
 * missing conversation gets.
 * @throws NotFoundError
 */
async function access(
  deps: ConversationDeps,
  acting: Acting,
  conversationId: string,
): Promise<Found & { as: Reading }> {
  const found = await findConversation(deps, conversationId);
  if (!found) throw notFound();
  const { conversation } = found;
  if (conversation.parties.includes(acting.subject.memberId)) return { ...found, as: "party" };
  const ownBehalf = acting.actor.memberId === acting.subject.memberId;
  if (ownBehalf && conversation.reportAreas.some((area) => coordinatesArea(acting.actor, area))) {
    return { ...found, as: "coordinator" };
  }
  throw notFound();
}

const FORMER_MEMBER = "A former member";

function personView(memberId: string, member: Member | undefined) {
  const former = !member || member.status === "closed";
  return { memberId, displayName: former ? FORMER_MEMBER : member.displayName, former };
}

/** Whether a party can write: no block either way with any other party, and every other still active. */
function statusFor(reader: Member, others: readonly (Member | undefined)[]): "open" | "closed" {
  const closed = others.some((o) => o?.status !== "active" || blockedBetween(reader, o));
  return closed ? "closed" : "open";
}

function conversationView(
  reader: Member,
  as: Reading,
  fields: Pick<Conversation, "conversationId" | "source" | "category"> & {
    lastActivityAt?: string;
    unread: number;
  },
  others: readonly string[],
  members: ReadonlyMap<string, Member>,
): ConversationView {
  const otherMembers = others.map((id) => members.get(id));
  return {
    conversationId: fields.conversationId,
    source: fields.source,
    category: fields.category,
    with: others.map((id) => personView(id, members.get(id))),
    ...(fields.lastActivityAt ? { lastActivityAt: fields.lastActivityAt } : {}),
    unread: fields.unread,
    status: as === "coordinator" ? "closed" : statusFor(reader, otherMembers),
    blockedByYou: as === "party" && others.some((id) => reader.blocked.includes(id)),
    readingAs: as,
  };
}

function messageView(message: Message, reader: Member, members: ReadonlyMap<string, Member>): MessageView {
  return {
    messageId: message.messageId,
    senderId: message.senderId,
    senderName: personView(message.senderId, members.get(message.senderId)).displayName,
    fromYou: message.senderId === reader.memberId,
    ...(message.actorName ? { via: message.actorName } : {}),
    text: message.text,
    linksAllowed: message.linksAllowed,
    createdAt: message.createdAt,
  };
}

/**
 * My conversations, latest activity first, with unread counts and whether I can still write.
 * Two rounds of reads: the list, then the people in it.
 */
export async function listMyConversations(
  deps: ConversationDeps,
  subject: Member,
  page: PageRequest,
): Promise<Page<ConversationView>> {
  const entries = await deps.conversations.listFor(subject.memberId, page);
  const members = await deps.members.getMany([...new Set(entries.items.flatMap((e) => e.others))]);
  return {
    items: entries.items.map((entry: ConversationEntry) =>
      conversationView(subject, "party", entry, entry.others, members),
    ),
    ...(entries.nextCursor ? { nextCursor: entries.nextCursor } : {}),
  };
}

/**
 * A page of a conversation's messages, newest first, with the conversation as the reader sees it.
 * @throws NotFoundError for anyone who may not see it (the same answer as for no conversation).
 */
export async function listMessages(
  deps: ConversationDeps,
  acting: Acting,
  conversationId: string,
  page: PageRequest,
): Promise<{ conversation: ConversationView; items: MessageView[]; nextCursor?: string }> {
  const found = await access(deps, acting, conversationId);
  const { conversation } = found;
  const reader = acting.subject;
  const [messages, members, own] = await Promise.all([
    found.stored ? deps.conversations.messages(conversationId, page) : emptyPage(deps, conversationId, page),
    deps.members.getMany(conversation.parties),
    found.as === "party" && found.stored
      ? deps.conversations.entry(reader.memberId, conversationId)
      : Promise.resolve(undefined),
  ]);
  const others = conversation.parties.filter((p) => p !== reader.memberId);
  return {
    conversation: conversationView(
      reader,
      found.as,
      {
        ...conversation,
        ...(found.stored ? { lastActivityAt: conversation.lastActivityAt } : { lastActivityAt: undefined }),
        unread: own?.unread ?? 0,
      },
      found.as === "coordinator" ? conversation.parties : others,
      members,
    ),
    items: messages.items.map((m) => messageView(m, reader, members)),
    ...(messages.nextCursor ? { nextCursor: messages.nextCursor } : {}),
  };
}

/** A conversation not started yet has no messages; its cursor is still checked like any other. */
async function emptyPage(deps: ConversationDeps, conversationId: string, page: PageRequest) {
  if (page.cursor) return deps.conversations.messages(conversationId, page);
  return { items: [] as Message[] };
}

const SEND_ATTEMPTS = 3;

/**
 * Sends a message as the subject (a coordinator acting for them is shown as "via <name>"). One
 * message per client message id: sending it again answers the first one. The message, the
 * conversation, every party's entry and the daily count are one transaction: a recipient who
 * blocked the sender (or closed their account) meanwhile, or a daily limit reached by racing
 * sends, writes nothing.
 * @throws NotFoundError if the subject is not a party; RuleViolationError when the conversation
 * is closed (a block either way, or another party gone); MessageLimitError over the daily limit;
 * IdempotencyKeyReusedError for a client message id already used for another text.
 */
export async function sendMessage(
  deps: ConversationDeps,
  acting: Acting,
  conversationId: string,
  input: SendMessage,
): Promise<{ message: MessageView; replay: boolean }> {
  const { actor, subject } = acting;
  for (let attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
    const [found, signals] = await Promise.all([
      access(deps, { actor, subject }, conversationId),
      deps.signals.getMany([subject.memberId]),
    ]);
    if (found.as !== "party") throw notFound();
    const recipients = found.conversation.parties.filter((p) => p !== subject.memberId);
    if (recipients.some((r) => subject.blocked.includes(r))) {
      throw new RuleViolationError("This conversation is closed");
    }
    const settled = signals.get(subject.memberId)?.settled ?? 0;
    const now = deps.clock.now();
    const at = now.toISOString();
    const message: Message = {
      conversationId,
      messageId: deps.ids.next(),
      senderId: subject.memberId,
      ...(actor.memberId !== subject.memberId
        ? { actorId: actor.memberId, actorName: actor.displayName }
        : {}),
      clientMessageId: input.clientMessageId,
      text: input.text,
      linksAllowed: linksAllowed(settled),
      createdAt: at,
    };
    const limit = dailyMessageLimit(deps.city.conversations, settled);
    const conversation: Conversation = {
      ...found.conversation,
      lastActivityAt: at,
      messageCount: found.conversation.messageCount + 1,
      retainUntil: retainUntil(deps.city.conversations, now),
    };
    const outcome = await deps.conversations.send({
      conversation,
      isNew: !found.stored,
      message,
      senderId: subject.memberId,
      recipients,
      day: localDate(now, deps.city.timezone),
      dailyLimit: limit,
    });
    const members = new Map([[subject.memberId, subject]]);
    switch (outcome.result) {
      case "sent":
        return { message: messageView(message, subject, members), replay: false };
      case "duplicate":
        if (outcome.existing.text !== input.text) {
          throw new IdempotencyKeyReusedError(
            "This client message id was already used for another message: make a new one per message",
          );
        }
        return { message: messageView(outcome.existing, subject, members), replay: true };
      case "closed":
        throw new RuleViolationError("This conversation is closed");
      case "limit":
        throw new MessageLimitError(`You can send ${limit} messages a day; more tomorrow`, [
          { path: "text", message: `Daily limit of ${limit} messages reached` },
        ]);
      case "stale":
        continue;
    }
  }
  throw new ConflictError("The conversation changed meanwhile: send again");
}

/**
 * Marks a conversation read for the subject: unread back to zero, and the next message may send a
 * notice again. Reading a conversation with no messages yet changes nothing.
 * @throws NotFoundError for anyone who is not a party.
 */
export async function markConversationRead(
  deps: ConversationDeps,
  acting: Acting,
  conversationId: string,
): Promise<{ conversationId: string; unread: 0 }> {
  const own = await deps.conversations.entry(acting.subject.memberId, conversationId);
  if (own) {
    await deps.conversations.markRead(
      acting.subject.memberId,
      conversationId,
      deps.clock.now().toISOString(),
    );
  } else {
    const found = await access(deps, acting, conversationId);
    if (found.as !== "party") throw notFound();
  }
  return { conversationId, unread: 0 };
}

/**
 * Tells each other party of a new message, in their inbox (and so by email, in quiet hours held),
 * in their language, once until they read the conversation: later messages before they read send
 * nothing more (the conversations' fatigue budget). A sensitive conversation's notice carries no
 * message text. Run from the stream; a redelivered message tells nobody twice.
 */
export async function noticeNewMessage(
  deps: Pick<Deps, "city" | "clock" | "ids" | "members" | "conversations">,
  message: Message,
): Promise<number> {
  const conversation = await deps.conversations.get(message.conversationId);
  if (!conversation) return 0;
  const recipients = conversation.parties.filter((p) => p !== message.senderId);
  const members = await deps.members.getMany([message.senderId, ...recipients]);
  const senderName = personView(message.senderId, members.get(message.senderId)).displayName;
  let told = 0;
  for (const memberId of recipients) {
    const member = members.get(memberId);
    if (member?.status !== "active") continue;
    const sender = members.get(message.senderId);
    if (sender && blockedBetween(member, sender)) continue;
    const words = conversationWords(member.preferredLanguage ?? deps.city.languages.default);
    const excerpt = noticeExcerpt(conversation, message.text);
    const notification: Notification = {
      notificationId: deps.ids.next(),
      memberId,
      kind: "conversation-message",
      title: words.messageTitle(senderName).slice(0, 200),
      body: excerpt ?? words.messageHidden,
      link: `/conversations/${conversation.conversationId}`,
      params: { conversationId: conversation.conversationId, from: senderName },
      createdAt: deps.clock.now().toISOString(),
    };
    const result = await deps.conversations.claimNotice(memberId, conversation.conversationId, {
      notification,
      dedupeKey: `conversation-message#${message.messageId}`,
    });
    if (result === "told") told += 1;
  }
  return told;
}
