import { localMinuteOfDay } from "#domain/kernel/time.ts";
import { type NoticeContent, noticeContent } from "#domain/notices/kinds.ts";
import { notify } from "#domain/notices/notify.ts";
import { renderNotice } from "#domain/notices/render.ts";
import { exampleCity, type TestCity } from "./city.ts";

/** The example city with no quiet hours ("00:00"-"00:00" is an empty window): mail goes at once. */
export function cityWithoutQuietHours() {
  const base = exampleCity();
  return { ...base, notifications: { ...base.notifications, quietHours: { start: "00:00", end: "00:00" } } };
}

/**
 * The example city with quiet hours around now (from an hour ago to four hours ahead, in the city's
 * time zone), so a test reaches what quiet hours do (held notices, matches waiting in digests)
 * whatever the hour it runs at.
 */
export function cityInQuietHours(now = new Date()) {
  const base = exampleCity();
  const minute = localMinuteOfDay(now, base.timezone);
  const at = (m: number) => {
    const wrapped = (m + 1440) % 1440;
    return `${String(Math.floor(wrapped / 60)).padStart(2, "0")}:${String(wrapped % 60).padStart(2, "0")}`;
  };
  return {
    ...base,
    notifications: { ...base.notifications, quietHours: { start: at(minute - 60), end: at(minute + 240) } },
  };
}

/** A new resident who prefers email, joined and approved by Dora; returns their member id. */
export async function joinByEmail(city: TestCity, login: string, email: string): Promise<string> {
  const joined = await city.call("POST", "/members/join", {
    as: login,
    body: {
      displayName: login,
      area: "north-park",
      languages: ["en"],
      consent: true,
      contact: { preference: "email", email },
    },
  });
  if (joined.status !== 201) throw new Error(`join failed: ${joined.text}`);
  const me = await city.call("GET", "/me", { as: login });
  const id = (me.body as { member: { memberId: string } }).member.memberId;
  const approved = await city.call("POST", `/members/${id}/status`, {
    as: "dora",
    body: { decision: "approve" },
  });
  if (approved.status !== 200) throw new Error(`approval failed: ${approved.text}`);
  return id;
}

let sequence = 0;

/** Sample values of the kinds these tests send (each notice is its kind and values). */
function sampleContent(kind: MailTestKind, n: number): NoticeContent {
  switch (kind) {
    case "digest":
      return noticeContent("digest", { count: 1, titles: `Post #${n}` });
    case "suggestion":
      return noticeContent("suggestion", {
        postId: `p${n}`,
        postTitle: `Post #${n}`,
        category: "gardening",
        minutes: 30,
        distance: 400,
      });
    case "exchange-proposed":
      return noticeContent("exchange-proposed", {
        exchangeId: `e${n}`,
        who: "Ben Jacobs",
        category: "gardening",
        minutes: 60,
      });
  }
}
type MailTestKind = "digest" | "suggestion" | "exchange-proposed";

/** The subject an email of one such notice has (in English): the notice's title. */
export function subjectOf(kind: MailTestKind): string {
  return renderNotice(sampleContent(kind, 0), "en", exampleCity()).title;
}

/** Puts a notice of this kind in the member's inbox (the channel consumer then mails it). */
export async function noticeOf(city: TestCity, memberId: string, kind: MailTestKind): Promise<void> {
  sequence += 1;
  await notify(city.runtime.deps, {
    memberId,
    ...sampleContent(kind, sequence),
    dedupeKey: `mail-test-${kind}-${sequence}`,
  });
}

/** What the local outbox holds for an address, oldest first. */
export function mailTo(city: TestCity, address: string) {
  return city.runtime.outbox().filter((m) => m.channel === "email" && m.to === address);
}

/** The one-click URL of a sent message's List-Unsubscribe header. */
export function unsubscribeUrlOf(message: { headers?: Record<string, string> }): URL {
  const header = message.headers?.["List-Unsubscribe"];
  const url = header?.match(/^<(https:[^>]+)>$/)?.[1];
  if (!url) throw new Error(`no one-click List-Unsubscribe header in ${JSON.stringify(message.headers)}`);
  return new URL(url);
}
