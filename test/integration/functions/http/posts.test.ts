import { describe, expect, it } from "vitest";
import { storeMember } from "../../../support/builders.ts";
import { useTestCity } from "../../../support/city.ts";
import { inboxIn } from "../../../support/inbox.ts";
import { randomSuffix } from "../../../support/seed.ts";

const city = useTestCity();
const ids = city.ids;

const DAY = 24 * 60 * 60 * 1000;

function offer(overrides: Record<string, unknown> = {}) {
  return {
    kind: "offer",
    title: "Bike repair at the library",
    description: "Bring your bike, I bring the tools.",
    category: "diy-repairs",
    tags: ["Bikes", "repair", "bikes"],
    where: { type: "point", point: { lat: 50.85, lon: 4.35 } },
    estimatedMinutes: 60,
    ...overrides,
  };
}

interface PostBody {
  postId: string;
  ownerId: string;
  status: string;
  title: string;
  expiresAt: string;
  updatedAt: string;
  where: Record<string, unknown>;
  [key: string]: unknown;
}

async function create(as: string, body: unknown = offer(), headers: Record<string, string> = {}) {
  const res = await city.call("POST", "/posts", { as, body, headers });
  expect(res.status, res.text).toBe(201);
  return res.body as PostBody;
}

/** A person with a login, verified or not, for visibility tests. */
async function person(handle: string, fields: { verified: boolean; area?: string; login?: boolean }) {
  const memberId = `${handle}-${randomSuffix(6)}`;
  await storeMember(
    city,
    { memberId, displayName: handle, area: fields.area ?? "old-town", verified: fields.verified },
    fields.login === false ? {} : { login: handle },
  );
  return memberId;
}

async function countOwned(ownerId: string): Promise<number> {
  const page = await city.runtime.deps.posts.listByOwner(ownerId, { limit: 50 });
  return page.items.length;
}

describe("POST /posts", () => {
  it("creates an open post with defaults, lower-cased unique tags and the owner's area", async () => {
    const before = Date.now();
    const post = await create("amira");
    expect(post).toMatchObject({
      ownerId: ids.amira,
      kind: "offer",
      status: "open",
      capacity: 1,
      sensitive: false,
      area: "old-town",
      tags: ["bikes", "repair"],
      createdBy: ids.amira,
      updatedBy: ids.amira,
    });
    const expires = Date.parse(post.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 30 * DAY - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 30 * DAY);
    expect(post).not.toHaveProperty("words");
    expect(post).not.toHaveProperty("location");
    const read = await city.call("GET", `/posts/${post.postId}`, { as: "ben" });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      postId: post.postId,
      description: "Bring your bike, I bring the tools.",
    });
  });

  it("marks a group post and a sensitive category", async () => {
    const post = await create(
      "amira",
      offer({ category: "childcare", capacity: 6, title: "Toddler play group" }),
    );
    expect(post).toMatchObject({ capacity: 6, sensitive: true });
  });

  it("posts for an organisation its admin acts for, recording who did it", async () => {
    const post = await create("amira", offer({ title: "Soup kitchen volunteers" }), {
      "x-act-for": ids.kitchen ?? "",
    });
    expect(post).toMatchObject({ ownerId: ids.kitchen, createdBy: ids.amira, area: "old-town" });
  });

  it("lets a coordinator post for a member without a login (x-act-for); not one out of scope", async () => {
    const olga = await person("olga", { verified: true, login: false });
    const post = await create("dora", offer({ title: "Lift to the market", category: "transport" }), {
      "x-act-for": olga,
    });
    expect(post).toMatchObject({ ownerId: olga, createdBy: ids.dora });
    const emil = await city.call("POST", "/posts", {
      as: "emil",
      body: offer(),
      headers: { "x-act-for": olga },
    });
    expect(emil.status).toBe(404);
  });

  it("shows a home-based post only as a coarse cell, never the home", async () => {
    const post = await create("amira", offer({ where: { type: "my-place" }, title: "Herb garden help" }));
    expect(post.where).toEqual({ type: "my-place", cell: expect.stringMatching(/^[0-9b-hjkmnp-z]{6}$/) });
    const text = (await city.call("GET", `/posts/${post.postId}`, { as: "ben" })).text;
    // Amira's demo home is 50.8467, 4.3525: no digits of it appear anywhere.
    expect(text).not.toMatch(/50\.8467|4\.3525/);
    const stored = await city.runtime.deps.posts.get(post.postId);
    expect(stored?.location).toBeDefined();
    expect(stored?.location).not.toEqual({ lat: 50.8467, lon: 4.3525 });
    // Dora has no home: the post is not placed, and says so by having no cell.
    const unplaced = await create("dora", offer({ where: { type: "your-place" } }));
    expect(unplaced.where).toEqual({ type: "your-place" });
  });

  const DETAIL = { error: { code: "VALIDATION_FAILED", message: expect.any(String) } };
  it.each([
    ["a wrong type", { title: 5 }, "title"],
    ["a number as text", { estimatedMinutes: "60" }, "estimatedMinutes"],
    ["a fractional capacity", { capacity: 1.5 }, "capacity"],
    ["an unknown field", { colour: "red" }, ""],
    ["an unknown kind", { kind: "gift" }, "kind"],
    ["a title over 120", { title: "t".repeat(121) }, "title"],
    ["a description over 4000", { description: "d".repeat(4001) }, "description"],
    ["eleven tags", { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, "tags"],
    ["a tag over 30", { tags: ["x".repeat(31)] }, "tags.0"],
    ["too few minutes", { estimatedMinutes: 4 }, "estimatedMinutes"],
    ["too many minutes", { estimatedMinutes: 1441 }, "estimatedMinutes"],
    ["capacity over 100", { capacity: 101 }, "capacity"],
    [
      "a latitude off the globe",
      { where: { type: "point", point: { lat: 200, lon: 4.35 } } },
      "where.point.lat",
    ],
    [
      "a point outside the city",
      { where: { type: "point", point: { lat: 51.5, lon: 4.35 } } },
      "where.point",
    ],
    ["an unknown place type", { where: { type: "moon" } }, "where.type"],
    ["a place with extra fields", { where: { type: "online", point: { lat: 50.85, lon: 4.35 } } }, "where"],
    ["an unknown category", { category: "astrology" }, "category"],
    ["an expiry in the past", { expiresAt: new Date(Date.now() - DAY).toISOString() }, "expiresAt"],
    ["an expiry too far ahead", { expiresAt: new Date(Date.now() + 200 * DAY).toISOString() }, "expiresAt"],
    ["an expiry that is no date", { expiresAt: "tomorrow" }, "expiresAt"],
    [
      "dates ending before they start",
      { availability: { type: "dates", from: "2030-05-02", to: "2030-05-01" } },
      "availability.to",
    ],
    [
      "dates that are over",
      { availability: { type: "dates", from: "2020-05-01", to: "2020-05-02" } },
      "availability.to",
    ],
    [
      "a weekday 7",
      { availability: { type: "weekly", windows: [{ day: 7, from: "09:00", to: "10:00" }] } },
      "availability.windows.0.day",
    ],
  ])("refuses %s with 400 naming the field, and stores nothing", async (_what, change, path) => {
    const owned = await countOwned(ids.amira ?? "");
    const res = await city.call("POST", "/posts", { as: "amira", body: offer(change) });
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject(DETAIL);
    const paths = (res.body as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
    expect(paths).toContain(path);
    expect(await countOwned(ids.amira ?? "")).toBe(owned);
  });

  it("refuses a body over 32 KB with 413 before reading it, and stores nothing", async () => {
    const owned = await countOwned(ids.amira ?? "");
    const res = await city.call("POST", "/posts", {
      as: "amira",
      body: offer({ description: "é".repeat(20_000) }),
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    expect(await countOwned(ids.amira ?? "")).toBe(owned);
  });

  it("refuses broken JSON and a pending applicant", async () => {
    const broken = { as: "amira", rawBody: '{"kind":', headers: { "content-type": "application/json" } };
    expect((await city.call("POST", "/posts", broken)).status).toBe(400);
    expect((await city.call("POST", "/posts", { as: "fatou", body: offer() })).status).toBe(403);
    expect((await city.call("POST", "/posts", { body: offer() })).status).toBe(401);
  });
});

describe("GET /posts/{postId}", () => {
  it("answers 404 for a post that does not exist and 400 for a malformed id", async () => {
    const missing = await city.call("GET", "/posts/01MISSINGPOST0000000000000", { as: "ben" });
    expect(missing.status).toBe(404);
    const bad = await city.call("GET", "/posts/not%20an%20id!", { as: "ben" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("path.postId");
  });

  it("hides a sensitive post from an unverified member exactly as a missing one", async () => {
    const post = await create("amira", offer({ category: "home-visits", title: "Weekly visit and a chat" }));
    await person("ursula", { verified: false });
    const hidden = await city.call("GET", `/posts/${post.postId}`, { as: "ursula" });
    const missing = await city.call("GET", "/posts/01MISSINGPOST0000000000000", { as: "ursula" });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    expect((await city.call("GET", `/posts/${post.postId}`, { as: "ben" })).status).toBe(200);
    expect((await city.call("GET", `/posts/${post.postId}`, { as: "emil" })).status).toBe(200);
  });

  it("shows an owner no longer verified their own sensitive post, and coordinators in scope", async () => {
    // Only verified members post in a sensitive category; a coordinator may withdraw it later.
    const vera = await person("vera", { verified: true });
    const post = await create("vera", offer({ category: "childcare", title: "Babysitting swap" }));
    expect(post.ownerId).toBe(vera);
    const unverified = await city.call("PUT", `/members/${vera}/verified`, {
      as: "dora",
      body: { verified: false },
    });
    expect(unverified.status).toBe(200);
    expect((await city.call("GET", `/posts/${post.postId}`, { as: "vera" })).status).toBe(200);
    expect((await city.call("GET", `/posts/${post.postId}`, { as: "dora" })).status).toBe(200);
  });

  it("tells who made and changed a post only to its owner's side and coordinators", async () => {
    const post = await create("amira");
    const stranger = (await city.call("GET", `/posts/${post.postId}`, { as: "ben" })).body;
    const coordinator = (await city.call("GET", `/posts/${post.postId}`, { as: "dora" })).body;
    expect(stranger).not.toHaveProperty("createdBy");
    expect(coordinator).toMatchObject({ createdBy: ids.amira });
  });
});

describe("PATCH /posts/{postId}", () => {
  it("lets the owner edit, redoing search words and sensitivity", async () => {
    const post = await create("amira", offer({ title: "Puncture fixing" }));
    const res = await city.call("PATCH", `/posts/${post.postId}`, {
      as: "amira",
      body: { title: "Wheel truing", category: "childcare", tags: ["Spokes"] },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ title: "Wheel truing", sensitive: true, tags: ["spokes"] });
    const stored = await city.runtime.deps.posts.get(post.postId);
    expect(stored?.words).toEqual(["wheel", "truing", "spokes"]);
  });

  it("lets a coordinator in scope edit and tells the owner; others get 403", async () => {
    const post = await create("amira", offer({ title: "Ladder lending" }));
    expect(
      (await city.call("PATCH", `/posts/${post.postId}`, { as: "ben", body: { title: "Mine now" } })).status,
    ).toBe(403);
    expect(
      (await city.call("PATCH", `/posts/${post.postId}`, { as: "emil", body: { title: "Hillcrest says" } }))
        .status,
    ).toBe(403);
    const res = await city.call("PATCH", `/posts/${post.postId}`, {
      as: "dora",
      body: { description: "Phone number removed by a coordinator." },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      updatedBy: ids.dora,
      description: "Phone number removed by a coordinator.",
    });
    const inbox = await inboxIn(city.runtime.deps, ids.amira ?? "", { limit: 50 });
    const notice = inbox.items.find(
      (n) => n.kind === "post-changed-by-coordinator" && n.link === `/posts/${post.postId}`,
    );
    expect(notice?.body).toContain("Dora Peeters");
  });

  it("does not tell the owner about their own edits or an organisation admin's", async () => {
    const post = await create("amira", offer({ title: "Kitchen shift" }), { "x-act-for": ids.kitchen ?? "" });
    const res = await city.call("PATCH", `/posts/${post.postId}`, {
      as: "amira",
      body: { capacity: 4 },
      headers: { "x-act-for": ids.kitchen ?? "" },
    });
    expect(res.status, res.text).toBe(200);
    const inbox = await inboxIn(city.runtime.deps, ids.kitchen ?? "", { limit: 50 });
    expect(inbox.items.filter((n) => n.link === `/posts/${post.postId}`)).toEqual([]);
  });

  it("extends an expiring post, and refuses a past expiry or an empty edit without changing it", async () => {
    const post = await create("amira");
    const later = new Date(Date.now() + 90 * DAY).toISOString();
    const extended = await city.call("PATCH", `/posts/${post.postId}`, {
      as: "amira",
      body: { expiresAt: later },
    });
    expect(extended.status).toBe(200);
    expect((extended.body as PostBody).expiresAt).toBe(later);
    for (const [body, path] of [
      [{ expiresAt: new Date(Date.now() - 1000).toISOString() }, "expiresAt"],
      [{}, ""],
      [{ title: "" }, "title"],
      [{ category: "astrology" }, "category"],
      [{ status: "paused" }, ""],
    ] as const) {
      const res = await city.call("PATCH", `/posts/${post.postId}`, { as: "amira", body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body)).toContain(`"path":"${path}"`);
    }
    const stored = await city.runtime.deps.posts.get(post.postId);
    expect(stored?.expiresAt).toBe(later);
    expect(stored?.updatedAt).toBe((extended.body as PostBody).updatedAt);
  });

  it("refuses to edit a closed post, and a stale write loses to a newer one", async () => {
    const post = await create("amira");
    await city.call("POST", `/posts/${post.postId}/status`, { as: "amira", body: { status: "withdrawn" } });
    const res = await city.call("PATCH", `/posts/${post.postId}`, { as: "amira", body: { title: "Back" } });
    expect(res.status).toBe(422);
    const open = await create("amira");
    const stale = await city.runtime.deps.posts.get(open.postId);
    await city.call("PATCH", `/posts/${open.postId}`, { as: "amira", body: { title: "First" } });
    if (!stale) throw new Error("post missing");
    await expect(
      city.runtime.deps.posts.replace(
        { ...stale, title: "Second", updatedAt: new Date().toISOString() },
        stale,
      ),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await city.runtime.deps.posts.get(open.postId))?.title).toBe("First");
  });
});

describe("POST /posts/{postId}/status", () => {
  it("pauses, reopens and fulfils; a fulfilled post stays fulfilled", async () => {
    const post = await create("amira");
    const status = (as: string, value: string) =>
      city.call("POST", `/posts/${post.postId}/status`, { as, body: { status: value } });
    expect((await status("amira", "paused")).body).toMatchObject({ status: "paused" });
    expect((await status("amira", "paused")).status).toBe(200);
    expect((await status("amira", "open")).body).toMatchObject({ status: "open" });
    expect((await status("amira", "fulfilled")).body).toMatchObject({ status: "fulfilled" });
    const reopen = await status("amira", "open");
    expect(reopen.status).toBe(422);
    expect(reopen.body).toMatchObject({ error: { code: "RULE_VIOLATION" } });
    const expire = await status("amira", "expired");
    expect(expire.status).toBe(400);
    expect(JSON.stringify(expire.body)).toContain('"path":"status"');
    expect((await status("ben", "withdrawn")).status).toBe(403);
  });

  it("tells the owner when a coordinator withdraws their post", async () => {
    const post = await create("amira", offer({ title: "Spam spam spam" }));
    const res = await city.call("POST", `/posts/${post.postId}/status`, {
      as: "dora",
      body: { status: "withdrawn" },
    });
    expect(res.status).toBe(200);
    const inbox = await inboxIn(city.runtime.deps, ids.amira ?? "", { limit: 50 });
    expect(
      inbox.items.some((n) => n.link === `/posts/${post.postId}` && n.params?.change === "withdrawn"),
    ).toBe(true);
  });
});

describe("GET /me/posts", () => {
  it("lists my posts of every status, newest first, a page at a time without repeats", async () => {
    const olivia = await person("olivia", { verified: true });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await create("olivia", offer({ title: `Offer ${i}` }))).postId);
    await city.call("POST", `/posts/${made[1]}/status`, { as: "olivia", body: { status: "withdrawn" } });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await city.call("GET", `/me/posts?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        as: "olivia",
      });
      expect(res.status).toBe(200);
      const page = res.body as { items: { postId: string; ownerId: string }[]; nextCursor?: string };
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const item of page.items) expect(item.ownerId).toBe(olivia);
      seen.push(...page.items.map((i) => i.postId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
  });

  it("lists an organisation's posts for its admin, and refuses another list's cursor", async () => {
    await create("amira", offer({ title: "Kitchen helpers" }), { "x-act-for": ids.kitchen ?? "" });
    const res = await city.call("GET", "/me/posts", {
      as: "amira",
      headers: { "x-act-for": ids.kitchen ?? "" },
    });
    const items = (res.body as { items: { ownerId: string }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.ownerId === ids.kitchen)).toBe(true);
    const foreign = Buffer.from(JSON.stringify({ pk: "x", sk: "y" })).toString("base64url");
    const bad = await city.call("GET", `/me/posts?cursor=${foreign}`, { as: "amira" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("query.cursor");
  });
});

describe("GET /exports/posts.csv", () => {
  it("gives coordinators a CSV with a header row, quoted fields and defused formulas", async () => {
    const post = await create("amira", offer({ title: '=HYPERLINK("x"), "quoted", and more' }));
    const res = await city.call("GET", "/exports/posts.csv", { as: "dora" });
    expect(res.status).toBe(200);
    const lines = res.text.split("\r\n");
    expect(lines[0]).toBe(
      "post_id,kind,status,category,title,tags,area,owner_id,where,home_cell,estimated_minutes,capacity,sensitive,created_at,expires_at",
    );
    const row = lines.find((l) => l.startsWith(post.postId));
    expect(row).toContain(`"'=HYPERLINK(""x""), ""quoted"", and more"`);
    expect(res.text).not.toMatch(/50\.8467|4\.3525/);
  });

  it("gives an area coordinator their areas only, and refuses residents and other areas", async () => {
    await create("emil", offer({ title: "Hillcrest bike day" }));
    const res = await city.call("GET", "/exports/posts.csv", { as: "emil" });
    expect(res.status).toBe(200);
    const rows = res.text.trim().split("\r\n").slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.includes(",hillcrest,"))).toBe(true);
    const resident = await city.call("GET", "/exports/posts.csv", { as: "ben" });
    expect(resident.status).toBe(403);
    expect(resident.body).toMatchObject({ error: { code: "FORBIDDEN" } });
    expect((await city.call("GET", "/exports/posts.csv?area=old-town", { as: "emil" })).status).toBe(403);
    const unknown = await city.call("GET", "/exports/posts.csv?area=atlantis", { as: "dora" });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("query.area");
    const backwards = await city.call("GET", "/exports/posts.csv?from=2030-01-02&to=2030-01-01", {
      as: "dora",
    });
    expect(backwards.status).toBe(400);
  });

  it("filters by status and creation day", async () => {
    // Its own withdrawn post, so the test does not rely on one an earlier test left behind.
    const withdrawn = await create("amira", offer({ title: "Withdrawn for the export" }));
    const closed = await city.call("POST", `/posts/${withdrawn.postId}/status`, {
      as: "amira",
      body: { status: "withdrawn" },
    });
    expect(closed.status).toBe(200);
    const res = await city.call("GET", "/exports/posts.csv?status=withdrawn", { as: "sam" });
    const rows = res.text.trim().split("\r\n").slice(1);
    expect(rows.some((r) => r.startsWith(withdrawn.postId))).toBe(true);
    expect(rows.every((r) => r.split(",")[2] === "withdrawn")).toBe(true);
    const old = await city.call("GET", "/exports/posts.csv?to=2020-01-01", { as: "sam" });
    expect(old.text.trim().split("\r\n")).toHaveLength(1);
  });
});
