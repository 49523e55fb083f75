import type { ComponentChildren } from "preact";
import type { Conversation, ConversationMessage } from "../api/types.ts";
import { formatList } from "../i18n/format.ts";
import { t } from "../i18n/index.ts";

/** Who a conversation is with, by name ("a former member" for a closed account). */
export function withWhom(c: Pick<Conversation, "with">): string {
  return formatList(c.with.map((p) => (p.former ? t("conversation.formerMember") : p.displayName)));
}

const LINK = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

/**
 * A message's text, always as text: links become links only from members with a settled exchange
 * (`linksAllowed`); otherwise they stay plain text, so a stranger's link is never one click away.
 */
export function MessageText(props: { message: Pick<ConversationMessage, "text" | "linksAllowed"> }) {
  const { text, linksAllowed } = props.message;
  if (!linksAllowed) return <p class="user-text">{text}</p>;
  const parts: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(text.slice(last, at));
    parts.push(
      <a key={at} href={match[0]} rel="nofollow noopener noreferrer ugc" target="_blank">
        {match[0]}
      </a>,
    );
    last = at + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <p class="user-text">{parts}</p>;
}

/** A new client message id per message: a retry of the same message sends the same id. */
export function newClientMessageId(): string {
  return crypto.randomUUID();
}
