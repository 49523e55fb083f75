import type { Deps } from "#domain/deps.ts";
import type { Notification } from "./inbox.ts";

export interface NoticeRequest {
  memberId: string;
  kind: Notification["kind"];
  title: string;
  body: string;
  link?: string;
  /** Identifies the event: the same key never delivers twice to the same member. */
  dedupeKey: string;
}

/**
 * Puts a notice in a member's inbox, once per dedupe key. Email and SMS channels hang off the
 * inbox later; the inbox is always written.
 */
export async function notify(
  deps: Pick<Deps, "inbox" | "clock" | "ids">,
  request: NoticeRequest,
): Promise<"delivered" | "duplicate"> {
  const { dedupeKey, ...fields } = request;
  return deps.inbox.deliver(
    { notificationId: deps.ids.next(), ...fields, createdAt: deps.clock.now().toISOString() },
    dedupeKey,
  );
}
