import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addressesOf,
  type DigestProfile,
  freshProfile,
  shardOf,
} from "../../../shared/domain/matching/digest.ts";
import type { IndexEntry } from "../../../shared/domain/matching/index-entries.ts";
import { aMember } from "../../support/builders.ts";
import { startTestCity, type TestCity } from "../../support/city.ts";

let city: TestCity;
const SHARDS = 4;
const cells = ["u1510", "u1511", "u151z"];
const member = aMember({
  memberId: "m1",
  displayName: "m1",
  languages: ["nl", "fr"],
  availability: [{ day: 2, from: "09:00", to: "12:00" }],
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
});
const profile: DigestProfile = freshProfile(member, undefined);
const entry = (memberId: string, cell: string, source: string): IndexEntry => ({
  side: "gives",
  category: "cooking",
  cell,
  memberId,
  source,
  location: { lat: 50.85, lon: 4.35 },
  tags: ["soup", "bread"],
  availability: source === "SKILL" ? member.availability : [{ day: 4, from: "14:00", to: "16:00" }],
  languages: source === "SKILL" ? profile.languages : undefined,
  sensitive: source !== "SKILL",
});
const read = (side: "gives" | "asks" = "gives") =>
  city.runtime.deps.matchIndex.read(addressesOf(side, "cooking", [...cells, "online"], SHARDS));
const keyOf = (e: IndexEntry) => `${e.cell}|${e.memberId}|${e.source}`;

beforeAll(async () => {
  city = await startTestCity();
});
afterAll(async () => {
  await city?.stop();
});

describe("the matching index's cell digests", () => {
  it("hold each entry as written, with its member's profile, in its member's shard", async () => {
    const index = city.runtime.deps.matchIndex;
    const ids = Array.from({ length: 12 }, (_, i) => `m${i + 1}`);
    for (const [i, id] of ids.entries()) {
      await index.replace({
        memberId: id,
        source: "SKILL",
        next: [entry(id, cells[i % cells.length] as string, "SKILL")],
        shards: SHARDS,
        settle: () => profile,
      });
    }
    await index.replace({
      memberId: "m1",
      source: "post1",
      next: [entry("m1", "online", "post1")],
      shards: SHARDS,
      settle: () => profile,
    });
    const found = await read();
    expect(found.records.map((r) => keyOf(r.entry)).sort()).toEqual(
      [
        ...ids.map((id, i) => keyOf(entry(id, cells[i % cells.length] as string, "SKILL"))),
        "online|m1|post1",
      ].sort(),
    );
    expect(found.records.find((r) => r.entry.source === "post1")?.entry).toEqual(
      entry("m1", "online", "post1"),
    );
    // A skill entry's windows are kept once, in its member's profile, and read back from it.
    expect(found.records.find((r) => r.entry.memberId === "m1" && r.entry.source === "SKILL")?.entry).toEqual(
      entry("m1", cells[0] as string, "SKILL"),
    );
    expect(profile.windows).toEqual(member.availability);
    expect(found.records.every((r) => JSON.stringify(r.profile) === JSON.stringify(profile))).toBe(true);
    // Members spread over shards: more digest items than cells holding someone.
    expect(found.items).toBeGreaterThan(cells.length);
    expect(new Set(ids.map((id) => shardOf(id, SHARDS))).size).toBeGreaterThan(1);
    expect((await read("asks")).records).toEqual([]);
  });

  it("move an entry when its cell changes, and drop it (and the profile with the last one) when it goes", async () => {
    const index = city.runtime.deps.matchIndex;
    await index.replace({
      memberId: "m1",
      source: "SKILL",
      next: [entry("m1", "u1511", "SKILL")],
      shards: SHARDS,
      settle: () => profile,
    });
    let mine = (await read()).records.filter((r) => r.entry.memberId === "m1").map((r) => keyOf(r.entry));
    expect(mine.sort()).toEqual(["online|m1|post1", "u1511|m1|SKILL"]);
    await index.replace({ memberId: "m1", source: "post1", next: [], shards: SHARDS, settle: () => profile });
    await index.replace({ memberId: "m1", source: "SKILL", next: [], shards: SHARDS, settle: () => profile });
    mine = (await read()).records.filter((r) => r.entry.memberId === "m1").map((r) => keyOf(r.entry));
    expect(mine).toEqual([]);
  });

  it("rewrite a member's profile in every digest they are in, and only when it changes", async () => {
    const index = city.runtime.deps.matchIndex;
    await index.replace({
      memberId: "m2",
      source: "post2",
      next: [entry("m2", "online", "post2")],
      shards: SHARDS,
      settle: () => profile,
    });
    const seen: (DigestProfile | undefined)[] = [];
    await index.reprofile("m2", (stored) => {
      seen.push(stored);
      return { ...stored, languages: ["de"] as DigestProfile["languages"], responsiveness: 20 };
    });
    expect(seen).toEqual([profile]);
    const records = (await read()).records.filter((r) => r.entry.memberId === "m2");
    expect(records).toHaveLength(2);
    for (const r of records) expect(r.profile).toEqual({ ...profile, languages: ["de"], responsiveness: 20 });
    // Nobody in any digest: nothing to rewrite.
    await index.reprofile("nobody", () => {
      throw new Error("not asked for a member without records");
    });
  });

  it("keep every record when many members write the same digest at once", async () => {
    const index = city.runtime.deps.matchIndex;
    // One shard: every member below lands in the same digest item, written concurrently.
    const ids = Array.from({ length: 16 }, (_, i) => `c${i}`);
    await Promise.all(
      ids.map((id) =>
        index.replace({
          memberId: id,
          source: "SKILL",
          next: [{ ...entry(id, "u1510", "SKILL"), side: "asks" }],
          shards: 1,
          settle: () => profile,
        }),
      ),
    );
    const found = await city.runtime.deps.matchIndex.read(addressesOf("asks", "cooking", ["u1510"], 1));
    expect(found.records.map((r) => r.entry.memberId).sort()).toEqual([...ids].sort());
    expect(found.items).toBe(1);
    // And as many leave at once: the item goes with the last record.
    await Promise.all(
      ids.map((id) =>
        index.replace({ memberId: id, source: "SKILL", next: [], shards: 1, settle: () => profile }),
      ),
    );
    const after = await city.runtime.deps.matchIndex.read(addressesOf("asks", "cooking", ["u1510"], 1));
    expect(after.records).toEqual([]);
    expect(after.items).toBe(0);
  });
});
