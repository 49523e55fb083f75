import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCity, type TestCity } from "../../../support/city.ts";
import { cityWithoutQuietHours, joinByEmail, mailTo, noticeOf } from "../../../support/mail.ts";

let city: TestCity;
beforeAll(async () => {
  city = await startTestCity({ city: cityWithoutQuietHours() });
});
afterAll(() => city.stop());

/** An SES event as a configuration set publishes it, about the last email sent to `address`. */
function sesEvent(address: string, kind: "permanent" | "transient" | "complaint") {
  const sent = mailTo(city, address).at(-1);
  if (!sent) throw new Error(`nothing was sent to ${address}`);
  const mail = {
    timestamp: "2026-12-04T10:00:00.000Z",
    source: "timebank@riverside.example",
    messageId: `0100-${sent.notificationId}`,
    destination: [address],
    headersTruncated: false,
    // Mutua tags each email with its member (CloudMessageSender), and SES hands the tags back.
    tags: {
      memberId: [sent.memberId],
      notificationId: [sent.notificationId],
      "ses:configuration-set": ["x"],
    },
  };
  if (kind === "complaint") {
    return {
      eventType: "Complaint",
      mail,
      complaint: {
        complainedRecipients: [{ emailAddress: address }],
        timestamp: "2026-12-04T10:01:00.000Z",
        feedbackId: "feedback-1",
        complaintFeedbackType: "abuse",
      },
    };
  }
  return {
    eventType: "Bounce",
    mail,
    bounce: {
      bounceType: kind === "permanent" ? "Permanent" : "Transient",
      bounceSubType: kind === "permanent" ? "General" : "MailboxFull",
      bouncedRecipients: [{ emailAddress: address, action: "failed", status: "5.1.1" }],
      timestamp: "2026-12-04T10:01:00.000Z",
      feedbackId: "feedback-2",
    },
  };
}

async function publish(event: unknown): Promise<void> {
  const res = await city.call("POST", "/mail-events", { body: event });
  expect(res.status, res.text).toBe(200);
}

async function undeliverable(login: string, as = login): Promise<unknown> {
  const me = await city.call("GET", "/me", { as: login });
  const { memberId } = (me.body as { member: { memberId: string } }).member;
  const seen = await city.call("GET", `/members/${memberId}`, { as });
  return (seen.body as { emailUndeliverable?: unknown }).emailUndeliverable;
}

describe("SES bounce and complaint events", () => {
  it("a permanent bounce marks the address undeliverable, shown to member and coordinator, and no more mail goes to it", async () => {
    const id = await joinByEmail(city, "bruno", "bruno@example.org");
    await city.runtime.poller.drain();
    expect(mailTo(city, "bruno@example.org")).toHaveLength(1);

    await publish(sesEvent("bruno@example.org", "permanent"));
    const me = await city.call("GET", "/me", { as: "bruno" });
    expect((me.body as { member: { emailUndeliverable: unknown } }).member.emailUndeliverable).toMatchObject({
      address: "bruno@example.org",
      reason: "bounce",
    });
    // Dora coordinates North Park: she sees it on the member's profile.
    expect(await undeliverable("bruno", "dora")).toMatchObject({ reason: "bounce" });

    await noticeOf(city, id, "exchange-proposed");
    await noticeOf(city, id, "digest");
    await city.runtime.poller.drain();
    expect(mailTo(city, "bruno@example.org")).toHaveLength(1);
    // The notices are still in the inbox.
    const inbox = await city.call("GET", "/me/inbox", { as: "bruno" });
    expect((inbox.body as { items: unknown[] }).items).toHaveLength(3);
  });

  it("a complaint suppresses the address too", async () => {
    const id = await joinByEmail(city, "carla", "carla@example.org");
    await city.runtime.poller.drain();
    await publish(sesEvent("carla@example.org", "complaint"));
    expect(await undeliverable("carla")).toMatchObject({ address: "carla@example.org", reason: "complaint" });
    await noticeOf(city, id, "suggestion");
    await city.runtime.poller.drain();
    expect(mailTo(city, "carla@example.org")).toHaveLength(1);
  });

  it("a transient bounce (a full mailbox) marks nothing, and mail carries on", async () => {
    const id = await joinByEmail(city, "dirk", "dirk@example.org");
    await city.runtime.poller.drain();
    await publish(sesEvent("dirk@example.org", "transient"));
    expect(await undeliverable("dirk")).toBeUndefined();
    await noticeOf(city, id, "exchange-proposed");
    await city.runtime.poller.drain();
    expect(mailTo(city, "dirk@example.org")).toHaveLength(2);
  });

  it("a new address in the profile clears the mark, and mail resumes there", async () => {
    const id = await joinByEmail(city, "elif", "elif@example.org");
    await city.runtime.poller.drain();
    await publish(sesEvent("elif@example.org", "permanent"));
    expect(await undeliverable("elif")).toMatchObject({ reason: "bounce" });
    const changed = await city.call("PATCH", "/me/profile", {
      as: "elif",
      body: { contact: { preference: "email", email: "elif@mail.example.org" } },
    });
    expect(changed.status, changed.text).toBe(200);
    expect(await undeliverable("elif")).toBeUndefined();
    await noticeOf(city, id, "exchange-proposed");
    await city.runtime.poller.drain();
    expect(mailTo(city, "elif@mail.example.org")).toHaveLength(1);
  });

  it("a bounce of an address the member no longer has marks nothing; a non-SES body is refused", async () => {
    await joinByEmail(city, "femi", "femi@example.org");
    await city.runtime.poller.drain();
    const old = sesEvent("femi@example.org", "permanent");
    await city.call("PATCH", "/me/profile", {
      as: "femi",
      body: { contact: { preference: "email", email: "femi@new.example.org" } },
    });
    await publish(old);
    expect(await undeliverable("femi")).toBeUndefined();
    const refused = await city.call("POST", "/mail-events", { body: { hello: "world" } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
  });
});
