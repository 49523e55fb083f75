import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importJWK, type JWK, SignJWT } from "jose";
import { type MemberStatus, newMember } from "#domain/membership/member.ts";
import { demoSubject } from "../../../infra/local/demo.ts";
import { DEV_AUDIENCE, DEV_ISSUER, DevIssuer } from "../../../infra/local/identity.ts";
import { exampleCity, startTestCity, type TestCity } from "../city.ts";
import type { Pools } from "./values.ts";

/**
 * Every kind of caller: no token, a login that never joined, each membership status and each
 * role. Demo handles where the demo city has one; the closed and suspended members are made here.
 */
export const callers = [
  "anonymous",
  "newcomer",
  "pending",
  "resident",
  "orgAdmin",
  "coordinator",
  "coordinatorElsewhere",
  "admin",
  "suspended",
  "closed",
] as const;
export type Caller = (typeof callers)[number];

const logins: Record<Exclude<Caller, "anonymous">, string> = {
  newcomer: "fuzz-newcomer",
  pending: "fatou",
  resident: "ben",
  orgAdmin: "amira",
  coordinator: "dora",
  coordinatorElsewhere: "emil",
  admin: "sam",
  suspended: "fuzz-suspended",
  closed: "fuzz-closed",
};

/** Bearer tokens that are not valid, each a way an attacker might try. */
export const badTokens = ["expired", "noExpiry", "otherKey", "garbage", "algNone", "empty"] as const;
export type BadToken = (typeof badTokens)[number];

export interface World {
  city: TestCity;
  pools: Pools;
  /** Genuine cursors of several lists and members, to be sent where they do not belong. */
  cursors: string[];
  /** The Authorization header for a caller, or for a bad token. */
  authorization(caller: Caller, bad?: BadToken): string | undefined;
  stop(): Promise<void>;
}

async function makeMember(city: TestCity, login: string, status: MemberStatus): Promise<string> {
  const now = new Date().toISOString();
  const memberId = `01FUZZ${status.toUpperCase().padEnd(20, "0")}`.slice(0, 26);
  await city.runtime.deps.members.create(
    newMember({
      memberId,
      kind: "person",
      displayName: `Fuzz ${status}`,
      status,
      roles: ["resident"],
      coordinatorAreas: [],
      area: "old-town",
      languages: ["en"],
      createdAt: now,
      updatedAt: now,
    }),
    demoSubject(login),
  );
  return memberId;
}

/**
 * A genuine cursor opened and changed as an attacker would: each key moved to another partition
 * or out of range, an attribute added, a value of another type or with malformed Unicode.
 */
function editedCursors(cursor: string): string[] {
  let envelope: { q?: unknown; p?: unknown };
  try {
    envelope = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return [];
  }
  const position = envelope.p;
  if (!position || typeof position !== "object" || Array.isArray(position)) return [];
  const encode = (p: unknown) =>
    Buffer.from(JSON.stringify({ ...envelope, p }), "utf8").toString("base64url");
  const edited: string[] = [encode({ ...position, extra: "x" }), encode([position]), encode(null)];
  for (const [key, value] of Object.entries(position)) {
    if (typeof value === "string") {
      edited.push(
        encode({ ...position, [key]: `${value.split("#")[0]}#01SOMEONEELSE000000000000` }),
        encode({ ...position, [key]: "GUARD#x" }),
        encode({ ...position, [key]: `${value}\ud800` }),
        encode({ ...position, [key]: value.repeat(40) }),
        encode({ ...position, [key]: 7 }),
      );
    } else if (typeof value === "number") {
      edited.push(encode({ ...position, [key]: -1 }), encode({ ...position, [key]: 1e20 }));
    }
  }
  return edited;
}

function itemsOf(body: unknown): Record<string, unknown>[] {
  const items = (body as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? (items as Record<string, unknown>[]) : [];
}

/**
 * A private city with the demo data, a closed and a suspended member, a few posts, an activity,
 * the matches the stream makes of them, and pools of the real ids and cursors that exist.
 */
export async function startWorld(): Promise<World> {
  const keyFile = join(mkdtempSync(join(tmpdir(), "mutua-fuzz-")), "issuer.json");
  const issuer = await DevIssuer.fromFile(keyFile);
  const city = await startTestCity({ issuer, city: exampleCity() });
  const demo = city.runtime.demoIds ?? {};
  const memberIds = new Set(Object.values(demo));
  memberIds.add(await makeMember(city, logins.suspended, "suspended"));
  memberIds.add(await makeMember(city, logins.closed, "closed"));

  const ids: Record<string, Set<string>> = {
    member: memberIds,
    post: new Set(),
    exchange: new Set(),
    notification: new Set(),
    activity: new Set(),
    transfer: new Set(),
    match: new Set(),
  };
  const add = (kind: string, value: unknown) => {
    if (typeof value === "string" && value) ids[kind]?.add(value);
  };
  for (const [as, body] of [
    [
      "ben",
      { kind: "request", title: "Help planting vegetables", category: "gardening", tags: ["vegetables"] },
    ],
    ["chen", { kind: "offer", title: "Soup for the street", category: "cooking", tags: ["soup"] }],
  ] as const) {
    const res = await city.call("POST", "/posts", {
      as,
      body: { ...body, where: { type: "point", point: { lat: 50.8467, lon: 4.3525 } }, estimatedMinutes: 60 },
    });
    add("post", (res.body as { postId?: string }).postId);
  }
  const activity = await city.call("POST", `/organisations/${demo.kitchen}/activities`, {
    as: "amira",
    body: { title: "Soup lunch", minutes: 30, category: "cooking" },
  });
  add("activity", (activity.body as { activityId?: string }).activityId);
  await city.runtime.poller.drain();

  const cursors: string[] = [];
  for (const as of ["ben", "chen", "amira"]) {
    for (const item of itemsOf((await city.call("GET", "/me/exchanges", { as })).body))
      add("exchange", item.exchangeId);
    for (const item of itemsOf((await city.call("GET", "/me/inbox", { as })).body))
      add("notification", item.notificationId);
    for (const item of itemsOf((await city.call("GET", "/me/statement", { as })).body))
      add("transfer", item.transferId);
    for (const item of itemsOf((await city.call("GET", "/me/matches", { as })).body))
      add("match", item.matchId);
    for (const item of itemsOf((await city.call("GET", "/me/posts", { as })).body)) add("post", item.postId);
    for (const list of ["/me/inbox", "/me/exchanges", "/me/statement", "/posts?kind=request"]) {
      const page = await city.call("GET", `${list}${list.includes("?") ? "&" : "?"}limit=1`, { as });
      const cursor = (page.body as { nextCursor?: string } | undefined)?.nextCursor;
      if (cursor) cursors.push(cursor);
    }
  }
  const queue = await city.call("GET", "/members?status=active&limit=1", { as: "dora" });
  const queueCursor = (queue.body as { nextCursor?: string }).nextCursor;
  if (queueCursor) cursors.push(queueCursor);
  cursors.push(...cursors.flatMap(editedCursors));

  const valid = new Map<string, string>();
  for (const [caller, login] of Object.entries(logins))
    valid.set(caller, await issuer.sign(demoSubject(login)));
  const jwk = JSON.parse(readFileSync(keyFile, "utf8")) as JWK;
  const key = await importJWK(jwk, "ES256");
  const claims = new SignJWT({ token_use: "id" })
    .setProtectedHeader({ alg: "ES256", kid: "local" })
    .setSubject(demoSubject("sam"))
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt();
  const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(
    JSON.stringify({ sub: demoSubject("sam"), iss: DEV_ISSUER, aud: DEV_AUDIENCE, exp: 4_102_444_800 }),
  ).toString("base64url");
  const bad: Record<BadToken, string> = {
    expired: await issuer.sign(demoSubject("sam"), { ttlSeconds: -60 }),
    noExpiry: await claims.sign(key),
    otherKey: await (await DevIssuer.ephemeral()).sign(demoSubject("sam")),
    garbage: "not.a.token",
    algNone: `${header}.${payload}.`,
    empty: "",
  };

  return {
    city,
    pools: {
      ids: Object.fromEntries(Object.entries(ids).map(([kind, set]) => [kind, [...set].sort()])),
      categories: city.runtime.deps.city.skills.map((c) => c.id),
      areas: city.runtime.deps.city.areas.map((a) => a.id),
      languages: city.runtime.deps.city.languages.offered,
      bounds: city.runtime.deps.city.map.bounds,
    },
    cursors,
    authorization(caller, badToken) {
      if (badToken) return `Bearer ${bad[badToken]}`;
      const token = valid.get(caller);
      return token ? `Bearer ${token}` : undefined;
    },
    stop: () => city.stop(),
  };
}
