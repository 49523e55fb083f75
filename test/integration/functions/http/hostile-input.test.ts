import { mkdtempSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importJWK, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "#shared/zod.ts";
import { DEV_AUDIENCE, DEV_ISSUER, DevIssuer } from "../../../../infra/local/identity.ts";
import { manifest } from "../../../../infra/manifest.ts";
import { contractOf } from "../../../../infra/openapi.ts";
import { exampleCity, startTestCity, type TestCity } from "../../../support/city.ts";
import { snapshotTable, tableChanges } from "../../../support/table.ts";

/**
 * Requests an attacker would send: forged cursors, oversized headers, malformed Unicode and
 * percent-encodings, bodies in other media types, tokens without an expiry. Each gets a 4xx in
 * the house shape and writes nothing.
 */
let city: TestCity;
let keyFile = "";
const ids: Record<string, string> = {};
const JSON_TYPE = { "content-type": "application/json" };

beforeAll(async () => {
  keyFile = join(mkdtempSync(join(tmpdir(), "mutua-hostile-")), "issuer.json");
  // No quiet hours, so the outbox test does not depend on the hour it runs at.
  const daytime = exampleCity();
  daytime.notifications.quietHours = { start: "00:00", end: "00:00" };
  city = await startTestCity({ issuer: await DevIssuer.fromFile(keyFile), city: daytime });
  Object.assign(ids, city.runtime.demoIds);
  const exchanges = await city.call("GET", "/me/exchanges", { as: "ben" });
  conversationId = (exchanges.body as { items: { exchangeId: string }[] }).items[0]?.exchangeId ?? "";
});
afterAll(async () => {
  await city?.stop();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
const errorBody = { error: { code: expect.any(String), message: expect.any(String) } };

/** Every list route: a GET whose query takes a cursor, read from the route contracts. */
async function listRoutes(): Promise<string[]> {
  const found: string[] = [];
  for (const route of manifest.routes) {
    if (route.method !== "GET") continue;
    const contract = await contractOf(route);
    const query = contract.query
      ? (z.toJSONSchema(contract.query, { io: "input" }) as { properties?: object })
      : {};
    if (query.properties && "cursor" in query.properties) found.push(route.path);
  }
  return found;
}

/**
 * A caller who may read the list: coordinators for the member and dispute queues, the kitchen's
 * admin for the spends recorded at its counter.
 */
const readerOf = (path: string) =>
  path === "/organisations/{memberId}/redemption-requests"
    ? "amira"
    : path === "/members" ||
        path === "/members/quiet" ||
        path === "/exchanges" ||
        path === "/conversation-reports"
      ? "dora"
      : "ben";

/** A conversation Ben is in (the demo's exchange with Chen), for the list of its messages. */
let conversationId = "";

function withQuery(template: string, query: string): string {
  const path = template.replace("{conversationId}", conversationId).replace("{memberId}", ids.kitchen ?? "");
  return `${path}${path.includes("?") ? "&" : "?"}${query}`;
}

describe("cursors: one codec for every list", async () => {
  const lists = await listRoutes();

  it("finds every list route", () => {
    expect(lists.sort()).toEqual(
      [
        "/activities",
        "/conversation-reports",
        "/conversations/{conversationId}/messages",
        "/exchanges",
        "/me/access-log",
        "/me/exchanges",
        "/me/conversations",
        "/me/inbox",
        "/me/matches",
        "/me/posts",
        "/me/redemption-requests",
        "/me/statement",
        "/members",
        "/members/quiet",
        "/organisations/{memberId}/redemption-requests",
        "/posts",
      ].sort(),
    );
  });

  const forged: [string, string][] = [
    ["text that is not a cursor", "not-a-cursor"],
    ["an empty object", b64({})],
    ["an array", b64([1, 2])],
    ["a key of another partition", b64({ pk: "INBOX#someone-else", sk: "NOTE#01" })],
    ["a key with a number", b64({ pk: 1, sk: "x" })],
    ["a key too long for the store", b64({ pk: "MEMBER#x", sk: "y".repeat(1400) })],
    ["an envelope of no query", b64({ q: "0000", p: { pk: "x", sk: "y" } })],
    ["an area position around a forged key", b64({ a: 0, c: b64({ pk: "x", sk: "y" }) })],
  ];
  const cells = lists.flatMap((path) => forged.map(([what, cursor]) => [path, what, cursor] as const));

  it.each(cells)("%s refuses %s with 400 naming query.cursor", async (path, _what, cursor) => {
    const res = await city.call("GET", withQuery(path, `cursor=${cursor}`), { as: readerOf(path) });
    expect(res.status, res.text).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [expect.objectContaining({ path: "query.cursor" })] },
    });
  });

  it("refuses a genuine cursor of another list, and another member's cursor of the same list", async () => {
    const genuine: { path: string; as: string; cursor: string }[] = [];
    for (const [path, as] of [
      ["/me/inbox", "ben"],
      ["/me/exchanges", "ben"],
      ["/me/statement", "ben"],
      ["/members?status=active", "dora"],
    ] as const) {
      const res = await city.call("GET", withQuery(path, "limit=1"), { as });
      const cursor = (res.body as { nextCursor?: string }).nextCursor;
      expect(cursor, path).toBeTruthy();
      genuine.push({ path, as, cursor: cursor ?? "" });
    }
    for (const from of genuine) {
      for (const path of lists) {
        const samePath = from.path.split("?")[0] === path;
        const as = samePath ? (from.as === "ben" ? "chen" : "emil") : readerOf(path);
        const res = await city.call("GET", withQuery(path, `cursor=${from.cursor}`), { as });
        expect(res.status, `${from.path} cursor on ${path} as ${as}: ${res.text}`).toBe(400);
      }
    }
  });

  it("takes a genuine cursor whose position was edited only if the position could be one", async () => {
    for (const title of ["Soup at the corner", "Soup by the canal"]) {
      const res = await city.call("POST", "/posts", {
        as: "chen",
        body: {
          kind: "offer",
          title,
          category: "cooking",
          where: { type: "point", point: { lat: 50.8467, lon: 4.3525 } },
          estimatedMinutes: 30,
        },
      });
      expect(res.status, res.text).toBe(201);
    }
    const edit = (cursor: string, change: (position: Record<string, unknown>) => void) => {
      const envelope = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
      change(envelope.p);
      return b64(envelope);
    };
    const search = "/posts?kind=offer&near=50.8467,4.3525&radiusKm=2&limit=1";
    const first = await city.call("GET", search, { as: "ben" });
    const cursor = (first.body as { nextCursor?: string }).nextCursor ?? "";
    expect(cursor).not.toBe("");
    // Past the end of the cell range the search reads: nothing more, not a store error.
    const past = await city.call(
      "GET",
      withQuery(
        search,
        `cursor=${edit(cursor, (p) => {
          p.a = "zzzzzzzzz#ZZ";
        })}`,
      ),
      {
        as: "ben",
      },
    );
    expect(past.status, past.text).toBe(200);
    expect((past.body as { items: unknown[] }).items).toEqual([]);
    const bad = await city.call(
      "GET",
      withQuery(
        search,
        `cursor=${edit(cursor, (p) => {
          p.a = "x y";
        })}`,
      ),
      {
        as: "ben",
      },
    );
    expect(bad.status, bad.text).toBe(400);
    // A store position moved out of its partition or range.
    const inbox = await city.call("GET", "/me/inbox?limit=1", { as: "ben" });
    const inboxCursor = (inbox.body as { nextCursor?: string }).nextCursor ?? "";
    for (const change of [
      (p: Record<string, unknown>) => {
        p.sk = "GUARD#x";
      },
      (p: Record<string, unknown>) => {
        p.pk = `INBOX#${ids.chen}`;
      },
      (p: Record<string, unknown>) => {
        p.sk = "NOTE#\ud800";
      },
    ]) {
      const res = await city.call("GET", `/me/inbox?cursor=${edit(inboxCursor, change)}`, { as: "ben" });
      expect(res.status, res.text).toBe(400);
    }
  });

  it("pages through the inbox, exchanges, activities and matches with their own cursors", async () => {
    // Two activities at the kitchen, and two gardening requests Amira can be matched with.
    for (const title of ["Soup lunch", "Bread baking"]) {
      const res = await city.call("POST", `/organisations/${ids.kitchen}/activities`, {
        as: "amira",
        body: { title, minutes: 30, category: "cooking" },
      });
      expect(res.status, res.text).toBe(201);
    }
    for (const as of ["ben", "chen"]) {
      const res = await city.call("POST", "/posts", {
        as,
        body: {
          kind: "request",
          title: `Help with vegetables for ${as}`,
          category: "gardening",
          tags: ["vegetables"],
          where: { type: "online" },
          estimatedMinutes: 60,
        },
      });
      expect(res.status, res.text).toBe(201);
    }
    await city.runtime.poller.drain();
    for (const [path, as] of [
      ["/me/inbox", "ben"],
      ["/me/exchanges", "ben"],
      ["/activities", "ben"],
      ["/me/matches", "amira"],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await city.call("GET", withQuery(path, `limit=1${cursor ? `&cursor=${cursor}` : ""}`), {
          as,
        });
        expect(res.status, res.text).toBe(200);
        const page = res.body as { items: unknown[]; nextCursor?: string };
        seen.push(...page.items.map((item) => JSON.stringify(item)));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 50);
      expect(pages, path).toBeGreaterThanOrEqual(2);
      expect(new Set(seen).size, path).toBe(seen.length);
    }
  });
});

describe("x-act-for", () => {
  it("answers an id too long for the store exactly as an unknown member, on every route that accepts it", async () => {
    const long = "A".repeat(3000);
    for (const route of manifest.routes) {
      const contract = await contractOf(route);
      if (!contract.actFor || contract.body) continue;
      const path = route.path.replace(/\{\w+\}/g, "01MISSING0000000000000000");
      // A key for the routes that require one (approving a spend), so the act-for header is what is judged.
      const tooLong = await city.call(route.method, path, {
        as: "dora",
        headers: { "x-act-for": long, "idempotency-key": `too-long-${route.method}-${route.path.length}` },
      });
      const unknown = await city.call(route.method, path, {
        as: "dora",
        headers: {
          "x-act-for": "01MISSINGMEMBER0000000000",
          "idempotency-key": `unknown-${route.method}-${route.path.length}`,
        },
      });
      expect(tooLong.status, `${route.method} ${route.path}: ${tooLong.text}`).toBe(404);
      expect(tooLong.body).toEqual(unknown.body);
    }
    const body = await city.call("PATCH", "/me/profile", {
      as: "dora",
      body: { bio: "hello" },
      headers: { "x-act-for": long },
    });
    expect(body.status).toBe(404);
    expect(body.body).toEqual({ error: { code: "NOT_FOUND", message: "No such member" } });
  });

  it("answers an id with characters no id has as an unknown member", async () => {
    const res = await city.call("GET", "/me/inbox", {
      as: "dora",
      headers: { "x-act-for": "MEMBER#x/../y" },
    });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: "NOT_FOUND", message: "No such member" } });
  });
});

describe("malformed Unicode in text fields", () => {
  it.each([
    ["PATCH", "/me/profile", "bio", '{"bio":"\\ud800"}'],
    [
      "PATCH",
      "/me/profile",
      "skills.tags.1",
      '{"skills":{"categories":["gardening"],"tags":["ok","x\\udfff"]}}',
    ],
    [
      "POST",
      "/posts",
      "title",
      '{"kind":"offer","title":"Soup \\ud83d","category":"cooking","where":{"type":"online"},"estimatedMinutes":30}',
    ],
    ["POST", "/pot/donations", "memo", '{"minutes":10,"memo":"thanks \\udc00 all"}'],
  ])(
    "%s %s with a lone surrogate in %s answers 400 naming it and writes nothing",
    async (method, path, field, raw) => {
      const before = await snapshotTable(city);
      const res = await city.call(method, path, {
        as: "amira",
        rawBody: raw,
        headers: { ...JSON_TYPE, "idempotency-key": "surrogate-test-1" },
      });
      expect(res.status, res.text).toBe(400);
      expect(res.body).toMatchObject({
        error: {
          code: "VALIDATION_FAILED",
          details: expect.arrayContaining([expect.objectContaining({ path: field })]),
        },
      });
      expect(tableChanges(before, await snapshotTable(city))).toEqual([]);
    },
  );

  it("still takes characters outside the Basic Multilingual Plane", async () => {
    const res = await city.call("PATCH", "/me/profile", {
      as: "amira",
      body: { bio: "Gardener 🌱 and cook" },
    });
    expect(res.status, res.text).toBe(200);
  });
});

describe("malformed percent-encoding in a path", () => {
  it.each([
    "/posts/%ZZ",
    "/posts/%",
    "/members/%E0%A4%A",
    "/exchanges/%ED%A0%80", // UTF-8 of a lone surrogate
  ])("%s answers 404 NOT_FOUND, as the gateway does when no route matches", async (path) => {
    const res = await city.call("GET", path, { as: "amira" });
    expect(res.status, res.text).toBe(404);
    expect(res.body).toEqual({ error: { code: "NOT_FOUND", message: expect.any(String) } });
  });
});

describe("media types", () => {
  const profile = JSON.stringify({ bio: "A bio in another media type" });
  it.each([
    ["text/plain", profile],
    ["application/x-www-form-urlencoded", "bio=hello"],
    ["application/xml", "<profile><bio>hello</bio></profile>"],
    [
      "multipart/form-data; boundary=x",
      '--x\r\nContent-Disposition: form-data; name="bio"\r\n\r\nhello\r\n--x--',
    ],
    ["application/json; charset=latin1", profile],
    [undefined, profile],
  ])("a body of type %s answers 415 and writes nothing", async (type, raw) => {
    const before = await snapshotTable(city);
    const res = await city.call("PATCH", "/me/profile", {
      as: "amira",
      rawBody: raw,
      headers: type ? { "content-type": type } : {},
    });
    expect(res.status, res.text).toBe(415);
    expect(res.body).toEqual({ error: { code: "UNSUPPORTED_MEDIA_TYPE", message: expect.any(String) } });
    expect(tableChanges(before, await snapshotTable(city))).toEqual([]);
  });

  it("takes JSON with or without a UTF-8 charset", async () => {
    for (const type of [
      "application/json",
      "application/json; charset=utf-8",
      "Application/JSON;charset=UTF-8",
    ]) {
      const res = await city.call("PATCH", "/me/profile", {
        as: "amira",
        rawBody: JSON.stringify({ bio: `Typed ${type}` }),
        headers: { "content-type": type },
      });
      expect(res.status, `${type}: ${res.text}`).toBe(200);
    }
  });
});

/** A raw request, so a header can exceed what a client library would send. */
function rawGet(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>(
    (resolve, reject) => {
      const req = request(`${city.apiUrl}${path}`, { method: "GET", headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    },
  );
}

describe("headers over the limit", () => {
  it("answer 431 in the house shape", async () => {
    const res = await rawGet("/health", { "x-padding": "p".repeat(20_000) });
    expect(res.status).toBe(431);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(res.text)).toEqual({
      error: { code: "REQUEST_HEADERS_TOO_LARGE", message: expect.any(String) },
    });
  });
});

describe("tokens", () => {
  async function signWithoutExpiry(subject: string): Promise<string> {
    const jwk = JSON.parse(readFileSync(keyFile, "utf8")) as JWK;
    const key = await importJWK(jwk, "ES256");
    return new SignJWT({ token_use: "id" })
      .setProtectedHeader({ alg: "ES256", kid: "local" })
      .setSubject(subject)
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .sign(key);
  }

  it("a correctly signed token without exp answers 401", async () => {
    const token = await signWithoutExpiry("local-sam");
    const res = await city.call("GET", "/me", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, res.text).toBe(401);
    expect(res.body).toMatchObject({ error: { code: "UNAUTHORIZED" } });
  });

  it("the same token with exp is taken (the key is the city's)", async () => {
    const res = await city.call("GET", "/me", { as: "sam" });
    expect(res.status).toBe(200);
  });
});

describe("response headers", () => {
  it.each([
    ["GET", "/health", undefined],
    ["GET", "/me", "amira"],
    ["GET", "/me", undefined],
    ["GET", "/nowhere", "amira"],
    ["GET", "/me/statement.csv", "amira"],
    ["GET", "/openapi.json", undefined],
    ["PATCH", "/me/profile", "amira"],
  ])("%s %s (as %s) is never sniffed or cached", async (method, path, as) => {
    const res = await new Promise<{ headers: Record<string, unknown> }>((resolve, reject) => {
      void (async () => {
        const headers: Record<string, string> = {};
        if (as) headers.authorization = `Bearer ${await city.token(as)}`;
        const req = request(`${city.apiUrl}${path}`, { method, headers }, (r) => {
          r.resume();
          r.on("end", () => resolve({ headers: r.headers }));
        });
        req.on("error", reject);
        req.end();
      })();
    });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["cache-control"]).toBe("no-store");
  });
});

describe("the local outbox", () => {
  it("needs a sign-in like everything else", async () => {
    const res = await city.call("GET", "/outbox");
    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorBody);
  });

  it("shows a signed-in member only the messages sent to them", async () => {
    // A notice by email for Amira (she prefers email) and none for Ben (no address).
    const res = await city.call("POST", "/posts", {
      as: "ben",
      body: {
        kind: "request",
        title: "Someone to cook soup with me",
        category: "cooking",
        tags: ["soup"],
        where: { type: "online" },
        estimatedMinutes: 60,
      },
    });
    expect(res.status, res.text).toBe(201);
    await city.runtime.poller.drain();
    expect(city.runtime.outbox().some((m) => m.to === "amira@example.org")).toBe(true);
    const amira = await city.call("GET", "/outbox", { as: "amira" });
    expect(amira.status).toBe(200);
    const messages = (amira.body as { messages: { memberId: string }[] }).messages;
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.memberId === ids.amira)).toBe(true);
    const ben = await city.call("GET", "/outbox", { as: "ben" });
    expect((ben.body as { messages: unknown[] }).messages).toEqual([]);
  });
});
