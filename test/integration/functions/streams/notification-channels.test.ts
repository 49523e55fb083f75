import { afterEach, describe, expect, it } from "vitest";
import { releaseHeldNotices } from "#domain/notices/channels.ts";
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
    // (The demo city's welcome credits were emailed to Amira when it loaded.)
    const toGreta = () => city?.runtime.outbox().filter((m) => m.to === "greta@example.org") ?? [];
    const sent = toGreta();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      channel: "email",
      to: "greta@example.org",
      subject: expect.stringContaining("Welcome"),
    });

    city.runtime.poller.rewind();
    await city.runtime.poller.drain();
    expect(toGreta()).toHaveLength(1);
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

/** "HH:MM" in the example city's time zone, `hours` from now. */
function cityTime(hours: number): string {
  const at = new Date(Date.now() + hours * 3_600_000);
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: exampleCity().timezone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
}

describe("notices held in quiet hours", () => {
  it("are sent when the quiet hours end, in one message, once", async () => {
    // Quiet from two hours ago to two hours ahead: the notices arrive in the middle of the night.
    city = await startTestCity({ city: cityWithQuietHours(cityTime(-2), cityTime(2)) });
    await approveGreta(city);
    const greta = (await city.call("GET", "/me", { as: "greta" })).body as { member: { memberId: string } };
    // A second notice in the same night: Ben proposes an exchange to Greta.
    const proposed = await city.call("POST", "/exchanges", {
      as: "ben",
      body: {
        providerIds: [greta.member.memberId],
        receiverIds: [city.runtime.demoIds?.ben ?? ""],
        minutes: 30,
        category: "gardening",
        description: "Weeding at night",
      },
    });
    expect(proposed.status, proposed.text).toBe(201);
    await city.runtime.poller.drain();
    expect(city.runtime.outbox()).toEqual([]);

    const { deps } = city.runtime;
    // Still quiet: nothing goes.
    expect(await releaseHeldNotices(deps)).toEqual({ members: 0, notices: 0 });
    await city.runtime.poller.drain();
    expect(city.runtime.outbox()).toEqual([]);

    // Three hours later the quiet hours are over: the held notices go out, each member's together.
    // (Amira's email of the demo city's welcome credit was held too.)
    const morning = { ...deps, clock: { now: () => new Date(Date.now() + 3 * 3_600_000) } };
    expect(await releaseHeldNotices(morning)).toEqual({ members: 2, notices: 3 });
    await city.runtime.poller.drain();
    const sent = city.runtime.outbox().filter((m) => m.to === "greta@example.org");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      channel: "email",
      to: "greta@example.org",
      subject: expect.stringContaining("2"),
    });
    expect(sent[0]?.text).toContain("Welcome");
    expect(sent[0]?.text).toContain("Weeding at night");

    // Nothing is sent twice: another run, a redelivered stream.
    expect(await releaseHeldNotices(morning)).toEqual({ members: 0, notices: 0 });
    city.runtime.poller.rewind();
    await city.runtime.poller.drain();
    expect(city.runtime.outbox()).toHaveLength(2);
    expect(city.runtime.outbox().filter((m) => m.to === "amira@example.org")).toHaveLength(1);
  });
});
