import type { City } from "../config/city.ts";
import { ValidationError } from "./errors.ts";
import type { Notification } from "./inbox.ts";
import type { Contact, Member } from "./member.ts";
import type { Deps, MessageSender } from "./ports.ts";

export type ChannelName = "email" | "sms";

/** One message on an outside channel, rendered from an inbox notification. */
export interface OutboundMessage {
  channel: ChannelName;
  to: string;
  subject: string;
  text: string;
  memberId: string;
  notificationId: string;
}

/** The outside channels a member asked for, as far as the city offers them and we can reach them. */
export function channelsFor(member: Member, city: City): { channel: ChannelName; to: string }[] {
  if (member.status !== "active") return [];
  const { preference, email, phone } = member.contact;
  if (preference === "email" && email && city.notifications.emailFrom)
    return [{ channel: "email", to: email }];
  if (preference === "sms" && phone && city.notifications.smsEnabled) return [{ channel: "sms", to: phone }];
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
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: city.timezone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  const hour = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === "minute")?.value ?? 0);
  const now = hour * 60 + minute;
  const start = minutesOf(city.notifications.quietHours.start);
  const end = minutesOf(city.notifications.quietHours.end);
  return start <= end ? now >= start && now < end : now >= start || now < end;
}

/** Renders a notification for an outside channel; SMS is kept to one short text. */
export function render(
  notification: Notification,
  channel: ChannelName,
  to: string,
  city: City,
): OutboundMessage {
  const link =
    notification.link && city.notifications.appUrl ? `${city.notifications.appUrl}${notification.link}` : "";
  const text =
    channel === "sms"
      ? `${city.name}: ${notification.title}${link ? ` ${link}` : ""}`.slice(0, 300)
      : [notification.body, link, `— ${city.name} time bank`].filter(Boolean).join("\n\n");
  return {
    channel,
    to,
    subject: notification.title,
    text,
    memberId: notification.memberId,
    notificationId: notification.notificationId,
  };
}

/**
 * Sends a new inbox notification on the member's outside channel, at most once per channel:
 * a record of each sent message is checked before and written after sending, so a redelivered
 * stream record does not send twice (a crash between sending and recording may, rarely).
 * Email and SMS are held back in quiet hours; the notice stays in the inbox and the digest.
 */
export async function fanOutNotification(
  deps: Pick<Deps, "members" | "city" | "clock" | "deliveries">,
  sender: MessageSender,
  notification: Notification,
): Promise<OutboundMessage[]> {
  if (inQuietHours(deps.clock.now(), deps.city)) return [];
  const member = await deps.members.get(notification.memberId);
  if (!member) return [];
  const sent: OutboundMessage[] = [];
  for (const { channel, to } of channelsFor(member, deps.city)) {
    if (await deps.deliveries.wasSent(notification.notificationId, channel)) continue;
    const message = render(notification, channel, to, deps.city);
    await sender.send(message);
    await deps.deliveries.recordSent(notification.notificationId, channel, deps.clock.now().toISOString());
    sent.push(message);
  }
  return sent;
}
