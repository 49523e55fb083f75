import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ValidationError } from "#domain/kernel/errors.ts";
import { distanceMetres } from "#domain/kernel/geo.ts";
import { type Member, newMember } from "#domain/membership/member.ts";
import {
  applyPatch,
  buildPost,
  canTransition,
  editorRole,
  maySeePost,
  type NewPost,
  nextDueAt,
  type Post,
  postStatuses,
  viewPost,
} from "#domain/posts/post.ts";
import { parseCityJson } from "#shared/config/city.ts";

const city = parseCityJson(
  readFileSync(new URL("../../../../../cities/example.json", import.meta.url), "utf8"),
);
const NOW = new Date("2030-03-04T10:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;

function member(id: string, fields: Partial<Member> = {}): Member {
  return newMember({
    memberId: id,
    kind: "person",
    displayName: id,
    status: "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: "old-town",
    languages: ["en"],
    verified: true,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...fields,
  });
}

const owner = member("owner", { home: { lat: 50.8467, lon: 4.3525 } });
const base: NewPost = {
  kind: "offer",
  title: "Bike repair",
  category: "diy-repairs",
  where: { type: "point", point: { lat: 50.85, lon: 4.35 } },
  estimatedMinutes: 60,
};

function build(fields: Partial<NewPost> = {}, now = NOW): Post {
  return buildPost(
    { ...base, ...fields },
    { postId: "01POST", owner, actorId: owner.memberId },
    { city, now, ownerHome: owner.home },
  );
}

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.details?.[0]?.path;
    throw error;
  }
  return undefined;
}

describe("post status transitions", () => {
  const allowed = new Set([
    "open>paused",
    "open>fulfilled",
    "open>withdrawn",
    "open>expired",
    "paused>open",
    "paused>fulfilled",
    "paused>withdrawn",
    "paused>expired",
  ]);
  it.each(postStatuses.flatMap((from) => postStatuses.map((to) => [from, to] as const)))(
    "%s -> %s follows the table",
    (from, to) => {
      expect(canTransition(from, to)).toBe(allowed.has(`${from}>${to}`));
    },
  );
});

describe("buildPost", () => {
  it("fills defaults: open, capacity 1, 30 days, reminder 3 days before, words, sensitivity", () => {
    const post = build({ tags: ["bikes", "bikes", "repair"], title: "Vélo repair café" });
    expect(post).toMatchObject({
      status: "open",
      capacity: 1,
      expiresAt: new Date(NOW.getTime() + 30 * DAY).toISOString(),
      reminderAt: new Date(NOW.getTime() + 27 * DAY).toISOString(),
      sensitive: false,
      area: "old-town",
      tags: ["bikes", "repair"],
      words: ["velo", "repair", "cafe", "bikes"],
      createdBy: "owner",
    });
    expect(build({ category: "childcare" }).sensitive).toBe(true);
  });

  it("names the field it refuses", () => {
    expect(fieldOf(() => build({ category: "astrology" }))).toBe("category");
    expect(fieldOf(() => build({ where: { type: "point", point: { lat: 51.5, lon: 4.35 } } }))).toBe(
      "where.point",
    );
    expect(fieldOf(() => build({ expiresAt: NOW.toISOString() }))).toBe("expiresAt");
    expect(fieldOf(() => build({ expiresAt: new Date(NOW.getTime() + 181 * DAY).toISOString() }))).toBe(
      "expiresAt",
    );
    expect(
      fieldOf(() => build({ availability: { type: "dates", from: "2030-03-01", to: "2030-03-03" } })),
    ).toBe("availability.to");
    expect(
      fieldOf(() => build({ availability: { type: "dates", from: "2030-03-01", to: "2030-03-04" } })),
    ).toBe(undefined);
  });

  it("normalises an expiry with an offset to UTC, and skips the reminder for short-lived posts", () => {
    const post = build({ expiresAt: "2030-03-06T12:00:00+02:00" });
    expect(post.expiresAt).toBe("2030-03-06T10:00:00.000Z");
    expect(post.reminderAt).toBeUndefined();
  });

  it("places a home-based post at its coarse cell centre, never at the home", () => {
    const post = build({ where: { type: "my-place" } });
    const home = owner.home ?? { lat: 0, lon: 0 };
    expect(post.location).toBeDefined();
    expect(post.location).not.toEqual(home);
    // Within the ~1.2 km x 0.8 km precision-6 cell around the home.
    expect(distanceMetres(post.location ?? home, home)).toBeLessThan(800);
    const unknownHome = buildPost(
      { ...base, where: { type: "your-place" } },
      { postId: "01POST", owner, actorId: "coordinator" },
      { city, now: NOW, ownerHome: undefined },
    );
    expect(unknownHome.location).toBeUndefined();
    expect(build({ where: { type: "online" } }).location).toBeUndefined();
  });
});

describe("applyPatch", () => {
  it("redoes words, sensitivity and the reminder; keeps what was not named", () => {
    const post = build({ tags: ["bikes"] });
    const later = new Date(NOW.getTime() + DAY);
    const next = applyPatch(
      post,
      {
        title: "Childminding",
        category: "childcare",
        expiresAt: new Date(NOW.getTime() + 60 * DAY).toISOString(),
      },
      "editor",
      { city, now: later, ownerHome: undefined },
    );
    expect(next).toMatchObject({
      title: "Childminding",
      sensitive: true,
      words: ["childminding", "bikes"],
      tags: ["bikes"],
      description: post.description,
      reminderAt: new Date(NOW.getTime() + 57 * DAY).toISOString(),
      updatedAt: later.toISOString(),
      updatedBy: "editor",
      createdBy: "owner",
    });
  });

  it("keeps a home-based location an editor cannot recompute, and removes cleared availability", () => {
    const post = build({
      where: { type: "my-place" },
      availability: { type: "weekly", windows: [{ day: 1, from: "09:00", to: "10:00" }] },
    });
    const next = applyPatch(post, { where: { type: "your-place" }, availability: null }, "coordinator", {
      city,
      now: NOW,
      ownerHome: undefined,
    });
    expect(next.location).toEqual(post.location);
    expect(next.availability).toBeUndefined();
    expect(
      applyPatch(post, { where: { type: "online" } }, "owner", { city, now: NOW, ownerHome: owner.home })
        .location,
    ).toBeUndefined();
  });

  it("the next schedule step is the reminder, then the expiry; none once closed", () => {
    const post = build();
    expect(nextDueAt(post)).toBe(post.reminderAt);
    expect(nextDueAt({ ...post, reminderAt: undefined })).toBe(post.expiresAt);
    expect(nextDueAt({ ...post, status: "paused" })).toBe(post.reminderAt);
    expect(nextDueAt({ ...post, status: "withdrawn" })).toBeUndefined();
  });
});

describe("who may see and change a post", () => {
  const post = build({ category: "childcare" });
  const unverified = member("u", { verified: false });
  const coordinator = member("c", { roles: ["coordinator"], verified: false });
  const elsewhere = member("e", { roles: ["coordinator"], coordinatorAreas: ["hillcrest"], verified: false });
  const org = member("org", { kind: "organisation", admins: ["owner"] });

  it("shows sensitive posts to verified members, the owner's side and coordinators in scope", () => {
    expect(maySeePost({ actor: unverified, subject: unverified }, post)).toBe(false);
    expect(maySeePost({ actor: member("v"), subject: member("v") }, post)).toBe(true);
    expect(maySeePost({ actor: coordinator, subject: coordinator }, post)).toBe(true);
    expect(maySeePost({ actor: elsewhere, subject: elsewhere }, post)).toBe(false);
    expect(maySeePost({ actor: unverified, subject: unverified }, { ...post, sensitive: false })).toBe(true);
    expect(maySeePost({ actor: { ...owner, verified: false }, subject: owner }, post)).toBe(true);
  });

  it("lets the owner's side edit as owner and coordinators as coordinators", () => {
    expect(editorRole({ actor: owner, subject: owner }, post)).toBe("owner");
    expect(editorRole({ actor: coordinator, subject: owner }, post)).toBe("coordinator");
    expect(editorRole({ actor: coordinator, subject: coordinator }, post)).toBe("coordinator");
    expect(editorRole({ actor: elsewhere, subject: elsewhere }, post)).toBeUndefined();
    expect(editorRole({ actor: member("x"), subject: member("x") }, post)).toBeUndefined();
    const orgPost = { ...post, ownerId: "org" };
    expect(editorRole({ actor: owner, subject: org }, orgPost)).toBe("owner");
  });

  it("views never carry internal fields; who acted only for the close circle", () => {
    const home = build({ where: { type: "my-place" } });
    const stranger = viewPost(home, { actor: unverified, subject: unverified }, city);
    expect(stranger.where).toEqual({ type: "my-place", cell: expect.stringMatching(/^\w{6}$/) });
    expect(stranger).not.toHaveProperty("createdBy");
    for (const key of ["location", "words", "reminderAt"]) expect(stranger).not.toHaveProperty(key);
    expect(viewPost(home, { actor: owner, subject: owner }, city)).toMatchObject({ createdBy: "owner" });
  });
});
