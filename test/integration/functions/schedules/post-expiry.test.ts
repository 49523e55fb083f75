import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Member } from "#domain/membership/member.ts";
import { runPostExpiry } from "#domain/posts/expiry.ts";
import { buildPost, type Post } from "#domain/posts/post.ts";
import { runSchedule } from "../../../../infra/local/scheduler.ts";
import { manifest } from "../../../../infra/manifest.ts";
import { startTestCity, type TestCity } from "../../../support/city.ts";

let city: TestCity;
let chen: Member;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  city = await startTestCity();
  const found = await city.runtime.deps.members.get(city.runtime.demoIds?.chen ?? "");
  if (!found) throw new Error("chen missing");
  chen = found;
});
afterAll(async () => {
  await city?.stop();
});

let counter = 0;
/** A post made `ago` ms in the past that expires at `expiresAt`, stored as the route would. */
async function storedPost(ago: number, expiresAt: Date, title: string): Promise<Post> {
  counter += 1;
  const post = buildPost(
    {
      kind: "offer",
      title,
      category: "gardening",
      tags: ["expirytest"],
      where: { type: "point", point: { lat: 50.85, lon: 4.35 } },
      estimatedMinutes: 30,
      expiresAt: expiresAt.toISOString(),
    },
    { postId: `01EXPIRY${String(counter).padStart(18, "0")}`, owner: chen, actorId: chen.memberId },
    { city: city.runtime.deps.city, now: new Date(Date.now() - ago), ownerHome: undefined },
  );
  await city.runtime.deps.posts.create(post);
  return post;
}

async function notices(postId: string, kind: string) {
  const inbox = await city.runtime.deps.inbox.list(chen.memberId, { limit: 50 });
  return inbox.items.filter((n) => n.kind === kind && n.link === `/posts/${postId}`);
}

/** Whether the post is in the search indexes (searches already hide posts past their date). */
async function indexed(postId: string): Promise<boolean> {
  const { posts } = city.runtime.deps;
  const [byWord, recent] = await Promise.all([
    posts.readSource({ index: "word", kind: "offer", word: "expirytest" }, 50),
    posts.readSource({ index: "recent", kind: "offer", category: "gardening" }, 50),
  ]);
  const inWord = byWord.items.some((i) => i.card.postId === postId);
  expect(recent.items.some((i) => i.card.postId === postId)).toBe(inWord);
  return inWord;
}

const entry = manifest.schedules.find((s) => s.name === "post-expiry");

describe("the post-expiry schedule", () => {
  it("is in the manifest, hourly", () => {
    expect(entry).toMatchObject({ handler: "functions/schedules/post-expiry.ts", everyMinutes: 60 });
  });

  it("expires open and paused posts past their date, tells the owner once, and is idempotent", async () => {
    if (!entry) throw new Error("schedule missing");
    const open = await storedPost(5 * DAY, new Date(Date.now() - HOUR), "Expired open");
    const paused = await storedPost(5 * DAY, new Date(Date.now() - HOUR), "Expired paused");
    await city.runtime.deps.posts.replace(
      { ...paused, status: "paused", updatedAt: new Date().toISOString() },
      paused,
    );
    const alive = await storedPost(0, new Date(Date.now() + 20 * DAY), "Still fresh");
    expect(await indexed(open.postId)).toBe(true);

    await runSchedule(entry);
    await runSchedule(entry);
    await Promise.all([runSchedule(entry), runSchedule(entry)]);

    for (const post of [open, paused]) {
      const stored = await city.runtime.deps.posts.get(post.postId);
      expect(stored).toMatchObject({ status: "expired", updatedBy: "system" });
      expect(await notices(post.postId, "post-expired")).toHaveLength(1);
    }
    expect(await indexed(open.postId)).toBe(false);
    expect((await city.runtime.deps.posts.get(alive.postId))?.status).toBe("open");
    expect(await indexed(alive.postId)).toBe(true);
    const search = await city.call("GET", "/posts?q=expirytest", { as: "ben" });
    expect((search.body as { items: { postId: string }[] }).items.map((i) => i.postId)).toEqual([
      alive.postId,
    ]);
    // Expired is final: the owner cannot reopen it, only post again.
    const reopen = await city.call("POST", `/posts/${open.postId}/status`, {
      as: "chen",
      body: { status: "open" },
    });
    expect(reopen.status).toBe(422);
  });

  it("reminds three days ahead exactly once per expiry date, and again after an extension", async () => {
    if (!entry) throw new Error("schedule missing");
    // Made two days ago to last four: its reminder fell due a day ago.
    const post = await storedPost(2 * DAY, new Date(Date.now() + 2 * DAY), "Expiring soon");
    await runSchedule(entry);
    await runSchedule(entry);
    expect(await notices(post.postId, "post-expiring")).toHaveLength(1);
    const afterReminder = await city.runtime.deps.posts.get(post.postId);
    expect(afterReminder).toMatchObject({ status: "open" });
    expect(afterReminder?.reminderAt).toBeUndefined();

    // The owner extends it: a new date earns a new reminder when that one comes near.
    const later = new Date(Date.now() + 10 * DAY);
    const res = await city.call("PATCH", `/posts/${post.postId}`, {
      as: "chen",
      body: { expiresAt: later.toISOString() },
    });
    expect(res.status, res.text).toBe(200);
    await runSchedule(entry);
    expect(await notices(post.postId, "post-expiring")).toHaveLength(1);

    const deps = city.runtime.deps;
    const inEightDays = { now: () => new Date(Date.now() + 8 * DAY) };
    const run = await runPostExpiry({ ...deps, clock: inEightDays });
    expect(run.reminded).toBeGreaterThanOrEqual(1);
    await runPostExpiry({ ...deps, clock: inEightDays });
    expect(await notices(post.postId, "post-expiring")).toHaveLength(2);

    const inElevenDays = { now: () => new Date(Date.now() + 11 * DAY) };
    await runPostExpiry({ ...deps, clock: inElevenDays });
    expect((await deps.posts.get(post.postId))?.status).toBe("expired");
    expect(await notices(post.postId, "post-expired")).toHaveLength(1);
  });

  it("leaves withdrawn and fulfilled posts alone: they left the schedule's index", async () => {
    const post = await storedPost(5 * DAY, new Date(Date.now() - HOUR), "Withdrawn before expiry");
    await city.runtime.deps.posts.replace(
      { ...post, status: "withdrawn", updatedAt: new Date().toISOString() },
      post,
    );
    const run = await runPostExpiry(city.runtime.deps);
    expect(run.due).toBe(0);
    expect((await city.runtime.deps.posts.get(post.postId))?.status).toBe("withdrawn");
    expect(await notices(post.postId, "post-expired")).toHaveLength(0);
  });
});
