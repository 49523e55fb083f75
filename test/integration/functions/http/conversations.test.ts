import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { createDocumentClient } from "../../../../shared/data/client.ts";
import { keys } from "../../../../shared/data/keys.ts";
import { exampleCity, type TestCity, useTestCity } from "../../../support/city.ts";
import { snapshotTable, tableChanges } from "../../../support/table.ts";

/**
 * Conversations between matched members and exchange parties, through the HTTP API against the
 * local store: sending (idempotent by client id), reading, unread counts and notices, acting for a
 * member, blocking, reporting and the coordinators' decisions, the daily limit under racing sends,
 * a closed account's messages and retention. Every test has a city of its own (prepared by
 * `prepare`) and writes the messages, reads and reports it needs.
 */
let benChen = "";
let amiraBen = "";

type View = {
  conversationId: string;
  unread: number;
  status: string;
  blockedByYou: boolean;
  readingAs: string;
  with: { memberId: string; displayName: string; former: boolean }[];
};
type MessageView = {
  messageId: string;
  senderName: string;
  fromYou: boolean;
  via?: string;
  text: string;
  linksAllowed: boolean;
};
type MessagePage = { conversation: View; items: MessageView[]; nextCursor?: string };

let seq = 0;
const clientId = () => `client-${String(++seq).padStart(4, "0")}-${Date.now()}`;

function send(as: string, conversationId: string, text: string, id = clientId(), headers = {}) {
  return city.call("POST", `/conversations/${conversationId}/messages`, {
    as,
    body: { clientMessageId: id, text },
    headers,
  });
}
async function messagesOf(as: string, conversationId: string, headers = {}) {
  return city.call("GET", `/conversations/${conversationId}/messages`, { as, headers });
}
async function mine(as: string): Promise<View[]> {
  const res = await city.call("GET", "/me/conversations", { as });
  expect(res.status, res.text).toBe(200);
  return (res.body as { items: View[] }).items;
}
async function inboxKinds(as: string): Promise<string[]> {
  const res = await city.call("GET", "/me/inbox?limit=50", { as });
  return (res.body as { items: { kind: string }[] }).items.map((n) => n.kind);
}

/**
 * The city every test starts from: the demo's settled exchange between Ben and Chen, Chen told by
 * email in Dutch, and an exchange Amira proposed to Ben and withdrew.
 */
async function prepare(city: TestCity): Promise<void> {
  await city.runtime.poller.drain();
  // The demo's settled exchange: Chen helped Ben with his phone.
  const exchanges = await city.call("GET", "/me/exchanges", { as: "ben" });
  benChen = (exchanges.body as { items: { exchangeId: string }[] }).items[0]?.exchangeId ?? "";
  expect(benChen).not.toBe("");
  // Chen is told by email, in Dutch.
  const profile = await city.call("PATCH", "/me/profile", {
    as: "chen",
    body: { contact: { preference: "email", email: "chen@example.org" }, preferredLanguage: "nl" },
  });
  expect(profile.status, profile.text).toBe(200);
  // Amira proposes an exchange to Ben, then withdraws it: they may still talk about it.
  const proposed = await city.call("POST", "/exchanges", {
    as: "amira",
    body: { providerIds: [ids.ben], receiverIds: [ids.amira], minutes: 60, category: "diy-repairs" },
  });
  expect(proposed.status, proposed.text).toBe(201);
  amiraBen = (proposed.body as { exchangeId: string }).exchangeId;
  await city.call("POST", `/exchanges/${amiraBen}/transitions`, { as: "amira", body: { action: "cancel" } });
}

const base = exampleCity();
const city = useTestCity({
  each: true,
  city: {
    ...base,
    // No quiet hours, so the email test does not depend on the hour; a small daily limit.
    notifications: { ...base.notifications, quietHours: { start: "00:00", end: "00:00" } },
    conversations: { retentionDays: 30, dailyMessages: { newMember: 3, perSettledExchange: 2, max: 50 } },
  },
  ready: prepare,
});
const ids = city.ids;

/** `as` writes `text` in a conversation, which must be accepted. */
async function writes(as: string, conversationId: string, text: string): Promise<void> {
  const sent = await send(as, conversationId, text);
  expect(sent.status, sent.text).toBe(201);
}

/** Chen reports Ben's messages in their conversation; the report's id. */
async function chenReports(): Promise<string> {
  const reported = await city.call("POST", `/conversations/${benChen}/reports`, {
    as: "chen",
    body: { reason: "harassment", note: "Keeps asking after I said no" },
  });
  expect(reported.status, reported.text).toBe(201);
  return (reported.body as { reportId: string }).reportId;
}

describe("two exchange parties talk", () => {
  it("a double send is one message, read by both sides newest first", async () => {
    const id = clientId();
    const first = await send("ben", benChen, "Thanks again! Could you show me the backup settings?", id);
    expect(first.status, first.text).toBe(201);
    const again = await send("ben", benChen, "Thanks again! Could you show me the backup settings?", id);
    expect(again.status, again.text).toBe(200);
    expect((again.body as MessageView).messageId).toBe((first.body as MessageView).messageId);

    const page = (await messagesOf("chen", benChen)).body as MessagePage;
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ fromYou: false, senderName: "Ben Jacobs", linksAllowed: true });
    expect(page.conversation).toMatchObject({ status: "open", readingAs: "party", unread: 1 });
  });

  it("refuses the same client id for another text, and writes nothing", async () => {
    const id = clientId();
    expect((await send("ben", benChen, "Saturday works", id)).status).toBe(201);
    const before = await snapshotTable(city);
    const clash = await send("ben", benChen, "Sunday works", id);
    expect(clash.status, clash.text).toBe(409);
    expect(clash.body).toMatchObject({ error: { code: "IDEMPOTENCY_KEY_REUSED" } });
    expect(tableChanges(before, await snapshotTable(city))).toEqual([]);
  });

  it("counts unread, tells the reader once until they read, in the inbox and by email in their language", async () => {
    await writes("ben", benChen, "Thanks again! Could you show me the backup settings?");
    await writes("ben", benChen, "Saturday works");
    await city.runtime.poller.drain();
    const chen = (await mine("chen")).find((c) => c.conversationId === benChen);
    expect(chen).toMatchObject({ unread: 2, status: "open", with: [{ displayName: "Ben Jacobs" }] });
    const notices = (await inboxKinds("chen")).filter((k) => k === "conversation-message");
    expect(notices).toHaveLength(1);
    expect(city.runtime.outbox()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          to: "chen@example.org",
          subject: "Nieuw bericht van Ben Jacobs",
          text: expect.stringContaining("backup settings"),
        }),
      ]),
    );
    const read = await city.call("POST", `/conversations/${benChen}/read`, { as: "chen" });
    expect(read.status, read.text).toBe(200);
    expect((await mine("chen")).find((c) => c.conversationId === benChen)?.unread).toBe(0);
    // After reading, the next message is told again.
    expect((await send("ben", benChen, "One more question", clientId())).status).toBe(201);
    await city.runtime.poller.drain();
    expect((await inboxKinds("chen")).filter((k) => k === "conversation-message")).toHaveLength(2);
  });

  it("a member who is neither side gets the same 404 as for a missing conversation", async () => {
    const outsider = await messagesOf("amira", benChen);
    const missing = await messagesOf("amira", "01JNOSUCHCONVERSATION000000");
    expect(outsider.status).toBe(404);
    expect(outsider.body).toEqual(missing.body);
    expect((await send("amira", benChen, "hello", clientId())).body).toEqual(
      (await send("amira", "01JNOSUCHCONVERSATION000000", "hello", clientId())).body,
    );
    // A coordinator without a report, not acting for anyone, sees nothing either.
    expect((await messagesOf("dora", benChen)).status).toBe(404);
  });

  it("a coordinator acting for a member writes as them, shown as via the coordinator", async () => {
    const sent = await send("dora", benChen, "Ben asked me to say he is free on Friday", clientId(), {
      "x-act-for": ids.ben ?? "",
    });
    expect(sent.status, sent.text).toBe(201);
    const page = (await messagesOf("chen", benChen)).body as MessagePage;
    expect(page.items[0]).toMatchObject({ senderName: "Ben Jacobs", via: "Dora Peeters" });
  });
});

describe("reports and coordinators", () => {
  it("puts a reported conversation in the queue of coordinators in scope, and only theirs", async () => {
    await writes("ben", benChen, "Are you free on Saturday?");
    const reported = await city.call("POST", `/conversations/${benChen}/reports`, {
      as: "chen",
      body: { reason: "harassment", note: "Keeps asking after I said no" },
    });
    expect(reported.status, reported.text).toBe(201);
    const reportId = (reported.body as { reportId: string }).reportId;
    expect((reported.body as { messageIds: string[] }).messageIds.length).toBeGreaterThan(0);

    const queue = await city.call("GET", "/conversation-reports", { as: "dora" });
    expect((queue.body as { items: { reportId: string }[] }).items.map((r) => r.reportId)).toContain(
      reportId,
    );
    const asCoordinator = (await messagesOf("dora", benChen)).body as MessagePage;
    expect(asCoordinator.conversation.readingAs).toBe("coordinator");
    expect(asCoordinator.items.length).toBeGreaterThan(0);
    expect(await inboxKinds("dora")).toContain("conversation-reported");

    // Emil coordinates Hillcrest only: neither the queue nor the conversation is his.
    const emilQueue = await city.call("GET", "/conversation-reports?area=hillcrest", { as: "emil" });
    expect((emilQueue.body as { items: unknown[] }).items).toEqual([]);
    expect((await messagesOf("emil", benChen)).status).toBe(404);
    expect((await city.call("GET", "/conversation-reports?area=old-town", { as: "emil" })).status).toBe(403);
    const decideOut = await city.call("POST", `/conversations/${benChen}/reports/${reportId}/decision`, {
      as: "emil",
      body: { decision: "dismiss" },
    });
    expect(decideOut.status).toBe(404);
    expect((await city.call("GET", "/conversation-reports", { as: "ben" })).status).toBe(403);
  });

  it("a warning needs a note, tells the member, is audited, and is made once", async () => {
    await writes("ben", benChen, "Are you free on Saturday?");
    const reportId = await chenReports();
    const path = `/conversations/${benChen}/reports/${reportId}/decision`;
    const noNote = await city.call("POST", path, { as: "dora", body: { decision: "warn" } });
    expect(noNote.status).toBe(400);
    const warned = await city.call("POST", path, {
      as: "dora",
      body: { decision: "warn", note: "Please accept a no." },
    });
    expect(warned.status, warned.text).toBe(200);
    expect(warned.body).toMatchObject({ status: "warned" });
    expect(await inboxKinds("ben")).toContain("conversation-warning");
    expect(await inboxKinds("chen")).toContain("conversation-report-decided");
    const again = await city.call("POST", path, { as: "dora", body: { decision: "dismiss" } });
    expect(again.status).toBe(422);
    await city.runtime.poller.drain();
    const audit = await city.call("GET", `/members/${ids.ben}/audit`, { as: "dora" });
    expect(audit.text).toContain("ConversationReport");
    expect(audit.text).toContain(ids.dora);
    const queue = await city.call("GET", "/conversation-reports", { as: "dora" });
    expect((queue.body as { items: { reportId: string }[] }).items.map((r) => r.reportId)).not.toContain(
      reportId,
    );
  });
});

describe("blocking", () => {
  it("ends the conversation both ways; the blocked side only sees it closed", async () => {
    await writes("ben", benChen, "Are you free on Saturday?");
    const blocked = await city.call("POST", `/conversations/${benChen}/block`, { as: "chen", body: {} });
    expect(blocked.status, blocked.text).toBe(200);
    expect(blocked.body).toMatchObject({ status: "closed", blockedByYou: true });

    const before = await snapshotTable(city);
    const refused = await send("ben", benChen, "Hello?", clientId());
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body).toMatchObject({ error: { code: "RULE_VIOLATION" } });
    const own = await send("chen", benChen, "Bye", clientId());
    expect(own.status).toBe(422);
    expect(tableChanges(before, await snapshotTable(city))).toEqual([]);

    const asBen = (await mine("ben")).find((c) => c.conversationId === benChen);
    expect(asBen).toMatchObject({ status: "closed", blockedByYou: false });
  });
});

describe("the daily limit and links", () => {
  it("holds under concurrent sends, for a member without a settled exchange", async () => {
    // Amira has settled nothing: 3 messages a day in this city.
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => send("amira", amiraBen, `Hello ${i}, see https://example.org`)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429).map((r) => r.body)).toEqual(
      Array(5).fill(
        expect.objectContaining({ error: expect.objectContaining({ code: "MESSAGE_LIMIT_REACHED" }) }),
      ),
    );
    const page = (await messagesOf("ben", amiraBen)).body as MessagePage;
    expect(page.items).toHaveLength(3);
    expect(page.items.every((m) => m.linksAllowed === false)).toBe(true);
  });
});

describe("retention and closed accounts", () => {
  const db = () => createDocumentClient(city.runtime.store.endpoint);

  it("keeps a conversation for the city's retention after its last activity", async () => {
    await writes("amira", amiraBen, "Shall we try another week?");
    const header = await db().send(
      new GetCommand({ TableName: "mutua-test", Key: keys.conversation(amiraBen) }),
    );
    const { lastActivityAt, ttl } = header.Item as { lastActivityAt: string; ttl: number };
    expect(ttl).toBe(Math.floor(new Date(lastActivityAt).getTime() / 1000) + 30 * 24 * 60 * 60);
  });

  it("a closed account's messages are gone; the other side sees a former member", async () => {
    await writes("amira", amiraBen, "Shall we try another week?");
    expect(((await messagesOf("ben", amiraBen)).body as MessagePage).items).toHaveLength(1);
    const closed = await city.call("POST", "/me/close", { as: "amira" });
    expect(closed.status, closed.text).toBe(200);
    await city.runtime.poller.drain();
    const page = (await messagesOf("ben", amiraBen)).body as MessagePage;
    expect(page.items).toEqual([]);
    expect(page.conversation).toMatchObject({
      status: "closed",
      with: [{ memberId: ids.amira, displayName: "A former member", former: true }],
    });
  });

  it("everything of an expired conversation goes when its header does (as TTL removes it)", async () => {
    // Messages, reads, a report and a block: every kind of item a conversation has.
    await writes("ben", benChen, "Are you free on Saturday?");
    expect((await city.call("POST", `/conversations/${benChen}/read`, { as: "chen" })).status).toBe(200);
    await chenReports();
    expect(
      (await city.call("POST", `/conversations/${benChen}/block`, { as: "chen", body: {} })).status,
    ).toBe(200);
    await city.runtime.poller.drain();
    expect(
      [...(await snapshotTable(city)).keys()].filter((key) => key.includes(`CONVO#${benChen}`)).length,
    ).toBeGreaterThan(1);
    await db().send(new DeleteCommand({ TableName: "mutua-test", Key: keys.conversation(benChen) }));
    await city.runtime.poller.drain();
    const left = [...(await snapshotTable(city)).keys()].filter(
      (key) => key.startsWith(`CONVO#${benChen}|`) || key.endsWith(`|CONVO#${benChen}`),
    );
    expect(left).toEqual([]);
    expect((await mine("ben")).map((c) => c.conversationId)).not.toContain(benChen);
  });
});
