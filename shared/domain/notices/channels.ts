import type { Deps } from "#domain/deps.ts";
import { ValidationError } from "#domain/kernel/errors.ts";
import { localMinuteOfDay } from "#domain/kernel/time.ts";
import { type Contact, emailUndeliverable, type Member, smsOptedOut } from "#domain/membership/member.ts";
import type { City, Language } from "#shared/config/city.ts";
import type { Notification } from "./inbox.ts";
import { markSmsOptedOut, unsubscribeHeaders } from "./mail.ts";
import type { ChannelName, MessageSender, OutboundMessage } from "./ports.ts";
import { commonText, readerLanguage, renderNotice } from "./render.ts";

/** The outside channels a member asked for, as far as the city offers them and we can reach them. */
export function channelsFor(member: Member, city: City): { channel: ChannelName; to: string }[] {
  if (member.status !== "active") return [];
  const { preference, email, phone } = member.contact;
  // An address that bounced or complained, or a number that opted out, gets nothing more.
  if (preference === "email" && email && city.notifications.emailFrom && !emailUndeliverable(member))
    return [{ channel: "email", to: email }];
  if (preference === "sms" && phone && city.notifications.smsEnabled && !smsOptedOut(member))
    return [{ channel: "sms", to: phone }];
  // "in-app" reads the inbox; "via-coordinator" members are reached by coordinators, who act for them.
  return [];
}

/**
 * A member's contact preference must be one this city can deliver on, with the address it needs:
 * otherwise the member silently gets no notice outside the inbox. "in-app" and "via-coordinator"
 * always work.
 * @throws ValidationError naming `contact.preference` (a channel the city does not offer) or the
 * missing `contact.email` / `contact.phone`.
 */
export function requireReachable(city: City, contact: Contact, path = "contact"): void {
  const refuse = (field: string, message: string, summary: string) => {
    throw new ValidationError(summary, [{ path: `${path}.${field}`, message }]);
  };
  const { preference } = contact;
  if (preference === "sms") {
    if (!city.notifications.smsEnabled) {
      refuse(
        "preference",
        "SMS is not offered in this city; choose email, in-app or via-coordinator",
        `${city.name} does not send SMS`,
      );
    }
    if (!contact.phone) refuse("phone", "Required to be reached by SMS", "A phone number is needed for SMS");
  }
  if (preference === "email") {
    if (!city.notifications.emailFrom) {
      refuse(
        "preference",
        "Email is not offered in this city; choose in-app or via-coordinator",
        `${city.name} does not send email`,
      );
    }
    if (!contact.email) {
      refuse("email", "Required to be reached by email", "An email address is needed for email");
    }
  }
}

function minutesOf(hhmm: string): number {
  const [h = "0", m = "0"] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
}

/** Whether an instant falls in the city's quiet hours (which may wrap past midnight). */
export function inQuietHours(instant: Date, city: City): boolean {
  const now = localMinuteOfDay(instant, city.timezone);
  const start = minutesOf(city.notifications.quietHours.start);
  const end = minutesOf(city.notifications.quietHours.end);
  return start <= end ? now >= start && now < end : now >= start || now < end;
}

/** Text made safe to put in HTML: what members typed is shown, never run. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function linkOf(notification: Notification, city: City): string {
  return notification.link && city.notifications.appUrl
    ? `${city.notifications.appUrl}${notification.link}`
    : "";
}

/**
 * An email's HTML body: each notice a heading (its title, also the subject of a single one) and its paragraphs, its link, then the signature.
 * Everything is escaped, words and members' text alike (no message holds markup).
 */
function emailHtml(
  notices: readonly { title: string; body: string; link: string }[],
  signature: string,
  language: Language,
): string {
  const sections = notices.map(({ title, body, link }) =>
    [
      `<h2>${escapeHtml(title)}</h2>`,
      ...body
        .split("\n")
        .filter(Boolean)
        .map((line) => `<p>${escapeHtml(line)}</p>`),
      link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` : "",
    ].join(""),
  );
  return `<!doctype html><html lang="${language}"><meta charset="utf-8"><body>${sections.join("")}<p>${escapeHtml(signature)}</p></body></html>`;
}

/**
 * Renders a notification for an outside channel in the reader's language; SMS is kept to one
 * short text, email has a plain and an HTML body.
 */
export function render(
  notification: Notification,
  channel: ChannelName,
  to: string,
  city: City,
  language: Language,
): OutboundMessage {
  return renderBundle([notification], channel, to, city, language);
}

/**
 * Several notices held through quiet hours, as one message in the reader's language: a count in
 * the subject, each notice in the text (SMS: their titles, kept short).
 */
export function renderBundle(
  notifications: readonly Notification[],
  channel: ChannelName,
  to: string,
  city: City,
  language: Language,
): OutboundMessage {
  const [first] = notifications;
  if (!first) throw new Error("a bundle needs at least one notice");
  const notices = notifications.map((n) => ({ ...renderNotice(n, language, city), link: linkOf(n, city) }));
  const single = notices.length === 1 ? notices[0] : undefined;
  const subject = single
    ? single.title
    : commonText(language, "email.bundleSubject", { count: notices.length }, city);
  const signature = commonText(language, "email.signature", {}, city);
  const address = { channel, to, subject, memberId: first.memberId, notificationId: first.notificationId };
  if (channel === "sms") {
    const text = single
      ? `${city.name}: ${single.title}${single.link ? ` ${single.link}` : ""}`
      : `${city.name}: ${notices.map((n) => n.title).join("; ")}`;
    return { ...address, text: text.slice(0, 300), language };
  }
  const text = single
    ? [single.body, single.link, signature].filter(Boolean).join("\n\n")
    : [...notices.map((n) => [n.title, n.body, n.link].filter(Boolean).join("\n")), signature].join("\n\n");
  return { ...address, text, html: emailHtml(notices, signature, language), language };
}

type ChannelDeps = Pick<Deps, "members" | "city" | "clock" | "deliveries" | "signingKeys">;

/**
 * Sends notices on the member's outside channels, at most once per notice and channel: a record
 * of each sent notice is checked before and written after sending, so a redelivered stream record
 * does not send twice (a crash between sending and recording may, rarely). Several notices go as
 * one message.
 */
async function sendOnChannels(
  deps: ChannelDeps,
  sender: MessageSender,
  memberId: string,
  notifications: readonly Notification[],
): Promise<OutboundMessage[]> {
  const member = await deps.members.get(memberId);
  if (!member) return [];
  const sent: OutboundMessage[] = [];
  for (const { channel, to } of channelsFor(member, deps.city)) {
    const unsent: Notification[] = [];
    for (const n of notifications) {
      // The kinds of email the member turned off (an unsubscribe link) stay in the inbox only.
      if (channel === "email" && member.emailOptOuts.some((kind) => kind === n.kind)) continue;
      if (!(await deps.deliveries.wasSent(n.notificationId, channel))) unsent.push(n);
    }
    if (unsent.length === 0) continue;
    const rendered = renderBundle(unsent, channel, to, deps.city, readerLanguage(member, deps.city));
    const headers = channel === "email" ? await unsubscribeHeaders(deps, memberId, unsent) : undefined;
    const message = headers ? { ...rendered, headers } : rendered;
    if ((await sender.send(message)) === "opted-out") {
      // The number replied STOP (the SMS provider's opt-out list): never again, and the member
      // and their coordinators see why.
      await markSmsOptedOut(deps, memberId, to);
      continue;
    }
    const at = deps.clock.now().toISOString();
    for (const n of unsent) await deps.deliveries.recordSent(n.notificationId, channel, at);
    sent.push(message);
  }
  return sent;
}

/**
 * Sends a new inbox notification on the member's outside channel, at most once per channel. In
 * quiet hours it is held instead (if the member has an outside channel at all), and sent when they
 * end (`releaseHeldNotices`); the notice is in the inbox either way.
 */
export async function fanOutNotification(
  deps: ChannelDeps & Pick<Deps, "held">,
  sender: MessageSender,
  notification: Notification,
): Promise<OutboundMessage[]> {
  if (inQuietHours(deps.clock.now(), deps.city)) {
    const member = await deps.members.get(notification.memberId);
    if (member && channelsFor(member, deps.city).length > 0) await deps.held.hold(notification);
    return [];
  }
  return sendOnChannels(deps, sender, notification.memberId, [notification]);
}

/** Sends a release of held notices (written by `releaseHeldNotices`) as one message per channel. */
export function sendReleasedNotices(
  deps: ChannelDeps,
  sender: MessageSender,
  memberId: string,
  notifications: readonly Notification[],
): Promise<OutboundMessage[]> {
  return sendOnChannels(deps, sender, memberId, notifications);
}

/** Most held notices released for one member per run (one transaction); the rest go next run. */
const RELEASE_BATCH = 40;
/** Most members released per run. */
const RELEASE_MEMBERS = 200;

/**
 * Once quiet hours are over, releases every member's held notices: one release per member (the
 * notification-channels consumer sends it as one message per channel), each held notice once.
 * Run by the `held-notices` schedule; in quiet hours it does nothing.
 */
export async function releaseHeldNotices(
  deps: Pick<Deps, "held" | "clock" | "city">,
): Promise<{ members: number; notices: number }> {
  const result = { members: 0, notices: 0 };
  if (inQuietHours(deps.clock.now(), deps.city)) return result;
  for (const memberId of await deps.held.membersWaiting(RELEASE_MEMBERS)) {
    const held = await deps.held.heldFor(memberId, RELEASE_BATCH);
    if (held.length === 0) {
      await deps.held.forget(memberId);
      continue;
    }
    if ((await deps.held.release(memberId, held)) === "released") {
      result.members += 1;
      result.notices += held.length;
    }
  }
  return result;
}
