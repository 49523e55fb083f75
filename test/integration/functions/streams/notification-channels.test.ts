import { afterEach, describe, expect, it } from "vitest";
import { exampleCity, startTestCity, type TestCity } from "../../../support/city.ts";

let city: TestCity | undefined;
afterEach(async () => {
  await city?.stop();
  city = undefined;
});

function cityWithQuietHours(start: string, end: string) {
  const base = exampleCity();
  return { ...base, notifications: { ...base.notifications, quietHours: { start, end } } };
}

async function approveGreta(c: TestCity): Promise<void> {
  await c.call("POST", "/members/join", {
    as: "greta",
    body: {
      displayName: "Greta",
      area: "north-park",
      languages: ["en"],
      consent: true,
      contact: { preference: "email", email: "greta@example.org" },
    },
  });
  const me = await c.call("GET", "/me", { as: "greta" });
  const id = (me.body as { member: { memberId: string } }).member.memberId;
  await c.call("POST", `/members/${id}/status`, { as: "dora", body: { decision: "approve" } });
}

describe("notices by email", () => {
  it("emails a member who prefers email once, even when the stream delivers twice", async () => {
    // "00:00"-"00:00" is an empty quiet window: this test must not depend on the time it runs.
    city = await startTestCity({ city: cityWithQuietHours("00:00", "00:00") });
    await approveGreta(city);
    await city.runtime.poller.drain();
    const sent = city.runtime.outbox();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      channel: "email",
      to: "greta@example.org",
      subject: expect.stringContaining("Welcome"),
    });

    city.runtime.poller.rewind();
    await city.runtime.poller.drain();
    expect(city.runtime.outbox()).toHaveLength(1);
    // The local outbox shows Greta the email she was sent, and nobody else's mail.
    const local = await city.call("GET", "/outbox", { as: "greta" });
    expect(local.body).toMatchObject({ messages: [{ to: "greta@example.org" }] });
    expect((await city.call("GET", "/outbox", { as: "dora" })).body).toEqual({ messages: [] });
  });

  it("holds email back in quiet hours; the notice stays in the inbox", async () => {
    city = await startTestCity({ city: cityWithQuietHours("00:00", "23:59") });
    await approveGreta(city);
    await city.runtime.poller.drain();
    expect(city.runtime.outbox()).toEqual([]);
    const inbox = await city.call("GET", "/me/inbox", { as: "greta" });
    expect((inbox.body as { items: unknown[] }).items).toHaveLength(1);
  });
});
