import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReadNotification } from "#domain/notices/inbox.ts";
import type { OutboundMessage } from "#domain/notices/ports.ts";
import { exampleCity, startTestCity, type TestCity } from "../../support/city.ts";

/**
 * One event, two readers: a Dutch and a French member are awarded credits in the same award, and
 * each reads the notice in their own language, in the inbox and in the email they are sent (the
 * local outbox). What was typed (the memo) is shown as typed in both.
 */
let city: TestCity;
const MEMO = "Soep & <brood> op zaterdag";

beforeAll(async () => {
  const base = exampleCity();
  // An empty quiet window: the emails go at once, whatever time the test runs.
  const noQuiet = {
    ...base,
    notifications: { ...base.notifications, quietHours: { start: "00:00", end: "00:00" } },
  };
  city = await startTestCity({ city: noQuiet });
  // The kitchen's own balance may go below zero for the award.
  const limits = await city.call("PUT", `/accounts/${memberId("kitchen")}/limits`, {
    as: "sam",
    body: { creditLimitMinutes: 60_000, maxBalanceMinutes: 60_000 },
  });
  expect(limits.status, limits.text).toBe(200);
});
afterAll(async () => {
  await city?.stop();
});

function memberId(handle: string): string {
  const id = city.runtime.demoIds?.[handle];
  if (!id) throw new Error(`No demo member ${handle}`);
  return id;
}

async function speaks(handle: string, language: string, email: string): Promise<void> {
  const res = await city.call("PATCH", "/me/profile", {
    as: handle,
    body: { preferredLanguage: language, contact: { preference: "email", email } },
  });
  expect(res.status, res.text).toBe(200);
}

describe("notices in the reader's language", () => {
  it("a Dutch and a French member read the same award each in their own language, inbox and email", async () => {
    await speaks("ben", "nl", "ben@example.org");
    await speaks("chen", "fr", "chen@example.org");
    const kitchen = memberId("kitchen");
    const award = await city.call("POST", `/organisations/${kitchen}/awards`, {
      as: "amira",
      headers: { "idempotency-key": "award-languages-1" },
      body: {
        memo: MEMO,
        volunteers: [
          { memberId: memberId("ben"), minutes: 90 },
          { memberId: memberId("chen"), minutes: 90 },
        ],
      },
    });
    expect(award.status, award.text).toBe(201);
    const transferId = (award.body as { transferId: string }).transferId;
    await city.runtime.poller.drain();

    const noticeFor = async (handle: string) => {
      const inbox = await city.call("GET", "/me/inbox", { as: handle });
      const items = (inbox.body as { items: ReadNotification[] }).items;
      return items.find((n) => n.params?.transferId === transferId);
    };
    const dutch = await noticeFor("ben");
    expect(dutch).toMatchObject({
      kind: "credits-awarded",
      language: "nl",
      title: "Riverside Community Kitchen heeft u 1 uur 30 min toegekend",
    });
    expect(dutch?.body).toContain(`Voor: ${MEMO}.`);
    const french = await noticeFor("chen");
    expect(french).toMatchObject({ kind: "credits-awarded", language: "fr" });
    expect(french?.title).toMatch(/^Riverside Community Kitchen vous a attribué 1\sh 30\smin$/);
    expect(french?.body).toContain(`Pour : ${MEMO}.`);

    const mailOf = async (handle: string) => {
      const outbox = await city.call("GET", "/outbox", { as: handle });
      return (outbox.body as { messages: OutboundMessage[] }).messages.find(
        (m) => m.notificationId === (handle === "ben" ? dutch : french)?.notificationId,
      );
    };
    const toBen = await mailOf("ben");
    expect(toBen).toMatchObject({ channel: "email", language: "nl", subject: dutch?.title });
    expect(toBen?.text).toContain(`Voor: ${MEMO}.`);
    expect(toBen?.text).toContain("— Tijdbank Riverside");
    expect(toBen?.html).toContain("Soep &#38; &#60;brood&#62; op zaterdag");
    expect(toBen?.html).not.toContain("<brood>");
    const toChen = await mailOf("chen");
    expect(toChen).toMatchObject({ channel: "email", language: "fr", subject: french?.title });
    expect(toChen?.text).toContain(`Pour : ${MEMO}.`);
    expect(toChen?.text).toContain("— Banque du temps de Riverside");
  });
});
