import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportJobDeps } from "#data/export-job-deps.ts";
import type { Exchange } from "#domain/exchanges/exchange.ts";
import { runExportJobs } from "#domain/privacy/export-jobs.ts";
import { demoSubject } from "../../../infra/local/demo.ts";
import { archiveFiles } from "../../support/archive.ts";
import { startTestCity, type TestCity } from "../../support/city.ts";
import { cityInQuietHours, cityWithoutQuietHours } from "../../support/mail.ts";
import { snapshotTable } from "../../support/table.ts";
import { expectLedgerSound, newKey } from "../ledger/support.ts";

/**
 * Closing erases: after it, no item of any entity in the table holds anything personal the member
 * gave or was known by (name, contact, home, needs, bio, tags, what their posts said, their login).
 */

const personal = {
  displayName: "Zephyrine Quillfeather",
  email: "zq.private@example.org",
  phone: "+32470999111",
  bio: "Zqbio keeps bees",
  accessibilityNeeds: "Zqneeds a ramp",
  homeLat: "50.87123",
  homeLon: "4.36177",
  skillTag: "zqskilltag",
  offerTitle: "Zqoffer marmalade lessons",
  offerDescription: "Zqdescription in my kitchen",
  postTag: "zqposttag",
  requestTitle: "Zqrequest raised beds",
  login: demoSubject("zephyrine"),
};
const traces = [...Object.values(personal), "Zephyrine", "Quillfeather"];

let city: TestCity;
let ids: Record<string, string>;

async function call(method: string, path: string, as: string, body?: unknown, headers = {}) {
  const res = await city.call(method, path, { as, body, headers });
  expect(res.status, `${method} ${path}: ${res.text}`).toBeLessThan(300);
  return res.body as Record<string, unknown>;
}

/** The text of every export object the city keeps for a member (sections, and archives unzipped). */
function exportObjectsOf(memberId: string): string[] {
  const dir = join(process.env.EXPORT_DIR ?? "", memberId);
  let files: string[];
  try {
    files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /\.(json|zip)$/.test(f));
  } catch {
    return [];
  }
  return files.flatMap((file) => {
    const bytes = readFileSync(join(dir, file));
    return file.endsWith(".zip") ? [...archiveFiles(bytes).values()] : [bytes.toString("utf8")];
  });
}

async function settle() {
  // Stream consumers feed each other (a change makes a notice makes a send): drain until quiet.
  for (let round = 0; round < 5; round++) await city.runtime.poller.drain();
}

// Both ways notices and matches travel: at once, and held through quiet hours (matches then wait
// in digests, notices in the held queue), whatever the hour the test runs at.
describe.each([
  { hours: "outside quiet hours", cityFile: cityWithoutQuietHours, copies: [] },
  { hours: "in quiet hours", cityFile: cityInQuietHours, copies: ["DigestEntry", "HeldNotice"] },
])("closing erases personal data everywhere it was copied ($hours)", ({ cityFile, copies: heldCopies }) => {
  beforeAll(async () => {
    city = await startTestCity({ city: cityFile() });
    ids = city.runtime.demoIds ?? {};
  });
  afterAll(async () => {
    await city?.stop();
  });

  it("leaves nothing personal in any item of the table, and the login no longer signs in", async () => {
    await call("POST", "/members/join", "zephyrine", {
      displayName: personal.displayName,
      area: "old-town",
      languages: ["en", "nl"],
      consent: true,
    });
    const me = (await call("GET", "/me", "zephyrine")).member as { memberId: string };
    await call("POST", `/members/${me.memberId}/status`, "dora", { decision: "approve" });
    await call("PATCH", "/me/profile", "zephyrine", {
      skills: { categories: ["gardening", "cooking"], tags: [personal.skillTag] },
      home: { lat: Number(personal.homeLat), lon: Number(personal.homeLon) },
      availability: [{ day: 5, from: "10:00", to: "13:00" }],
      contact: { preference: "email", email: personal.email, phone: personal.phone },
      bio: personal.bio,
      accessibilityNeeds: personal.accessibilityNeeds,
    });
    await call("POST", "/posts", "zephyrine", {
      kind: "offer",
      title: personal.offerTitle,
      description: personal.offerDescription,
      category: "cooking",
      tags: [personal.postTag],
      where: { type: "my-place" },
      estimatedMinutes: 60,
    });
    await call("POST", "/posts", "zephyrine", {
      kind: "request",
      title: personal.requestTitle,
      category: "gardening",
      tags: ["vegetables"],
      where: { type: "my-place" },
      estimatedMinutes: 90,
    });
    await settle();

    // An exchange with Ben, settled: his inbox names her, both statements carry it. Ben takes his
    // notices by email too, so in quiet hours copies naming her wait in his held queue.
    await call("PATCH", "/me/profile", "ben", {
      contact: { preference: "email", email: "ben.jacobs@example.org" },
    });
    const proposed = await call("POST", "/exchanges", "zephyrine", {
      providerIds: [me.memberId],
      receiverIds: [ids.ben],
      minutes: 45,
      category: "cooking",
    });
    const exchangeId = (proposed as unknown as Exchange).exchangeId;
    await call("POST", `/exchanges/${exchangeId}/transitions`, "ben", { action: "accept" });
    await call("POST", `/exchanges/${exchangeId}/transitions`, "zephyrine", {
      action: "complete",
      minutes: 45,
    });
    await call(
      "POST",
      `/exchanges/${exchangeId}/transitions`,
      "ben",
      { action: "confirm" },
      { "idempotency-key": newKey("erasure") },
    );
    await settle();

    // The kitchen records a redemption for her at its counter: the request carries her name.
    // (Not declined here: the venue admin's notice of it may be held for quiet hours, and held
    // notices of other members are not scrubbed yet; see the README's known gaps.)
    const lunch = await call("POST", `/organisations/${ids.kitchen}/activities`, "amira", {
      title: "Erasure lunch",
      minutes: 15,
    });
    await call(
      "POST",
      `/organisations/${ids.kitchen}/redemption-requests`,
      "amira",
      { memberId: me.memberId, activityId: lunch.activityId },
      { "idempotency-key": newKey("erasure") },
    );
    await settle();

    // She took a copy of her data in the background: its sections and archive hold her name.
    await call("POST", "/me/exports", "zephyrine");
    await runExportJobs(exportJobDeps(), { remainingMs: () => Number.POSITIVE_INFINITY, reserveMs: 0 });
    const copies = exportObjectsOf(me.memberId);
    expect(copies.length).toBeGreaterThan(10);
    expect(copies.filter((text) => text.includes(personal.displayName)).length).toBeGreaterThan(1);

    // Before closing, her data is spread over many entities (the test would prove nothing otherwise).
    const before = await snapshotTable(city);
    const holding = new Set<string>();
    for (const item of before.values()) {
      if (traces.some((t) => item.toLowerCase().includes(t.toLowerCase()))) {
        holding.add(JSON.parse(item).entity);
      }
    }
    expect([...holding].sort()).toEqual(
      expect.arrayContaining([
        "Exchange",
        "IdentityLink",
        "Match",
        // Its records are deflated: the walk reads inside them.
        "MatchDigest",
        "Member",
        "Notification",
        "Post",
        "RedemptionRequest",
        ...heldCopies,
      ]),
    );

    await call("POST", "/me/close", "zephyrine");
    await settle();

    const after = await snapshotTable(city);
    const entities = new Set<string>();
    const left: string[] = [];
    for (const [key, item] of after) {
      const entity = JSON.parse(item).entity;
      expect(typeof entity, `${key} has no entity`).toBe("string");
      entities.add(entity);
      const found = traces.filter((t) => item.toLowerCase().includes(t.toLowerCase()));
      if (found.length === 0) continue;
      // Known gap: a retry's stored answer (another member's keyed request) quotes the name as it
      // was answered; nothing indexes it by member, so it goes only with its TTL (30 days).
      if (entity === "IdempotencyRecord") {
        const { ttl } = JSON.parse(item) as { ttl: number };
        expect(ttl).toBeLessThanOrEqual(Date.now() / 1000 + 30 * 86_400 + 60);
        continue;
      }
      left.push(`${entity} ${key}: ${found.join(", ")}`);
    }
    expect(left).toEqual([]);
    // Her export jobs went, and every object of them: the archive named her.
    expect([...entities]).not.toContain("ExportJob");
    expect(exportObjectsOf(me.memberId)).toEqual([]);
    // The walk covered the city's every kind of item, not a corner of it.
    expect(entities.size).toBeGreaterThanOrEqual(20);

    // The login is gone: signing in again is a stranger who never joined.
    const again = await city.call("GET", "/me", { as: "zephyrine" });
    expect(again.body).toMatchObject({ member: null });
    // The ledger keeps her lines, under her pseudonymous id, and still balances.
    const lines = await city.runtime.deps.ledger.listLines({ accountId: me.memberId, shard: 0 }, 0, 10);
    expect(lines.lines.map((l) => l.kind)).toEqual(["exchange", "closing"]);
    await expectLedgerSound(city.runtime.deps);
  });
});
