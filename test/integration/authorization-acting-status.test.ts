import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MemberStatus } from "#domain/membership/member.ts";
import { manifest } from "../../infra/manifest.ts";
import { contractOf } from "../../infra/openapi.ts";
import { storeMember } from "../support/builders.ts";
import { startTestCity, type TestCity } from "../support/city.ts";
import { errorOf, newKey } from "./ledger/support.ts";

/**
 * The acting-for-status rows of the authorization matrix: a coordinator (or an organisation's
 * admin) acts for a member only while that member could act themselves. For a pending, declined,
 * suspended or closed member every route answers 403 and changes nothing, except the one that
 * exists for them: exporting their data at their request (as JSON or as an archive). (Approving, reinstating and the other
 * coordinator decisions name the member in the path and are not acting for them.)
 */
let city: TestCity;
let ids: Record<string, string>;
const statuses = ["pending", "declined", "suspended", "closed"] as const satisfies readonly MemberStatus[];
/** An export job of each member, started for them by a coordinator (a second start answers it, 200). */
const exportJobs: Record<string, string> = {};

beforeAll(async () => {
  city = await startTestCity();
  ids = city.runtime.demoIds ?? {};
  for (const status of statuses) {
    for (const kind of ["person", "organisation"] as const) {
      await storeMember(city, {
        memberId: `${status}-${kind}`,
        kind,
        displayName: `A ${status} ${kind}`,
        status,
        admins: kind === "organisation" ? [ids.amira ?? ""] : [],
      });
    }
    const subject = `${status}-person`;
    const started = await city.call("POST", "/me/exports", { as: "dora", headers: { "x-act-for": subject } });
    exportJobs[subject] = (started.body as { jobId: string }).jobId;
  }
});
afterAll(async () => {
  await city?.stop();
});

interface Request {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}
/** How to call a route for `subject`: by `x-act-for` for most, by the path for organisations. */
type Row = (subject: string) => Request;
const id = "01ACTINGSTATUS000000000000";
const key = () => ({ "idempotency-key": newKey("acting") });

const rows: Record<string, Row> = {
  "PATCH /me/profile": () => ({ method: "PATCH", path: "/me/profile", body: { bio: "Hello" } }),
  "GET /me/export": () => ({ method: "GET", path: "/me/export" }),
  "GET /me/export.zip": () => ({ method: "GET", path: "/me/export.zip" }),
  "POST /me/exports": () => ({ method: "POST", path: "/me/exports" }),
  "GET /me/exports/{jobId}": (subject) => ({ method: "GET", path: `/me/exports/${exportJobs[subject]}` }),
  "GET /me/access-log": () => ({ method: "GET", path: "/me/access-log" }),
  "POST /me/consents": () => ({ method: "POST", path: "/me/consents", body: { version: "2027-01" } }),
  "POST /me/close": () => ({ method: "POST", path: "/me/close" }),
  "GET /me/inbox": () => ({ method: "GET", path: "/me/inbox" }),
  "POST /me/inbox/{notificationId}/read": () => ({ method: "POST", path: `/me/inbox/${id}/read` }),
  "POST /posts": () => ({
    method: "POST",
    path: "/posts",
    body: {
      kind: "offer",
      title: "Bread baking",
      category: "cooking",
      where: { type: "online" },
      estimatedMinutes: 60,
    },
  }),
  "GET /posts": () => ({ method: "GET", path: "/posts?kind=offer" }),
  "GET /posts/{postId}": () => ({ method: "GET", path: `/posts/${id}` }),
  "PATCH /posts/{postId}": () => ({ method: "PATCH", path: `/posts/${id}`, body: { title: "Bread baking" } }),
  "POST /posts/{postId}/status": () => ({
    method: "POST",
    path: `/posts/${id}/status`,
    body: { status: "paused" },
  }),
  "GET /me/posts": () => ({ method: "GET", path: "/me/posts" }),
  "POST /exchanges": (subject) => ({
    method: "POST",
    path: "/exchanges",
    body: { providerIds: [ids.chen], receiverIds: [subject], minutes: 30, category: "cooking" },
  }),
  "GET /exchanges/{exchangeId}": () => ({ method: "GET", path: `/exchanges/${id}` }),
  "POST /exchanges/{exchangeId}/transitions": () => ({
    method: "POST",
    path: `/exchanges/${id}/transitions`,
    body: { action: "accept" },
  }),
  "POST /exchanges/{exchangeId}/statements": () => ({
    method: "POST",
    path: `/exchanges/${id}/statements`,
    body: { text: "My account of it" },
  }),
  "GET /me/exchanges": () => ({ method: "GET", path: "/me/exchanges" }),
  "GET /me/account": () => ({ method: "GET", path: "/me/account" }),
  "GET /me/statement": () => ({ method: "GET", path: "/me/statement" }),
  "GET /me/statement.csv": () => ({ method: "GET", path: "/me/statement.csv" }),
  "POST /pot/donations": () => ({
    method: "POST",
    path: "/pot/donations",
    body: { minutes: 5 },
    headers: key(),
  }),
  "POST /activities/{activityId}/redemptions": () => ({
    method: "POST",
    path: `/activities/${id}/redemptions`,
    body: {},
    headers: key(),
  }),
  "GET /me/redemption-requests": () => ({ method: "GET", path: "/me/redemption-requests" }),
  "POST /redemption-requests/{requestId}/approval": () => ({
    method: "POST",
    path: `/redemption-requests/${id}/approval`,
    headers: key(),
  }),
  "POST /redemption-requests/{requestId}/decline": () => ({
    method: "POST",
    path: `/redemption-requests/${id}/decline`,
  }),
  "GET /me/matches": () => ({ method: "GET", path: "/me/matches" }),
  "GET /posts/{postId}/matches": () => ({ method: "GET", path: `/posts/${id}/matches` }),
  "POST /matches/{matchId}/answer": () => ({
    method: "POST",
    path: `/matches/${id}_${id}/answer`,
    body: { answer: "accept" },
  }),
  "GET /me/conversations": () => ({ method: "GET", path: "/me/conversations" }),
  "GET /conversations/{conversationId}/messages": () => ({
    method: "GET",
    path: `/conversations/${id}/messages`,
  }),
  "POST /conversations/{conversationId}/messages": () => ({
    method: "POST",
    path: `/conversations/${id}/messages`,
    body: { clientMessageId: "acting-status-1", text: "Hello" },
  }),
  "POST /conversations/{conversationId}/read": () => ({
    method: "POST",
    path: `/conversations/${id}/read`,
  }),
  "POST /conversations/{conversationId}/block": () => ({
    method: "POST",
    path: `/conversations/${id}/block`,
    body: {},
  }),
  "POST /conversations/{conversationId}/reports": () => ({
    method: "POST",
    path: `/conversations/${id}/reports`,
    body: { reason: "spam" },
  }),
  // Organisations are acted for through the path.
  "POST /organisations/{memberId}/awards": (subject) => ({
    method: "POST",
    path: `/organisations/${subject}/awards`,
    body: { volunteers: [{ memberId: ids.ben, minutes: 10 }] },
    headers: key(),
  }),
  "POST /organisations/{memberId}/activities": (subject) => ({
    method: "POST",
    path: `/organisations/${subject}/activities`,
    body: { title: "Swim", minutes: 30 },
  }),
  "PUT /organisations/{memberId}/admins": (subject) => ({
    method: "PUT",
    path: `/organisations/${subject}/admins`,
    body: { admins: [ids.amira] },
  }),
};
const byPath = new Set([
  "POST /organisations/{memberId}/awards",
  "POST /organisations/{memberId}/activities",
  "PUT /organisations/{memberId}/admins",
]);
/** The routes open for a member who cannot act themselves. */
const openWhileNotActive = new Set([
  "GET /me/export",
  "GET /me/export.zip",
  "POST /me/exports",
  "GET /me/exports/{jobId}",
]);

function call(route: string, as: string, subject: string) {
  const request = rows[route]?.(subject);
  if (!request) throw new Error(`no row for ${route}`);
  const headers = { ...request.headers, ...(byPath.has(route) ? {} : { "x-act-for": subject }) };
  return city.call(request.method, request.path, {
    as,
    ...(request.body !== undefined ? { body: request.body } : {}),
    headers,
  });
}

describe("authorization matrix: acting for a member who is not active", () => {
  it("has a row for every route that acts for someone", async () => {
    const acting: string[] = [];
    for (const route of manifest.routes) {
      if ((await contractOf(route)).actFor) acting.push(`${route.method} ${route.path}`);
    }
    expect(Object.keys(rows).sort()).toEqual([...acting, ...byPath].sort());
  });

  const cells = Object.keys(rows).flatMap((route) =>
    statuses.map((status) => [route, status, openWhileNotActive.has(route) ? 200 : 403] as const),
  );
  it.each(cells)("%s for a %s member -> %i", async (route, status, expected) => {
    const subject = `${status}-${byPath.has(route) ? "organisation" : "person"}`;
    const before = await city.runtime.deps.members.get(subject);
    // Dora coordinates the whole city; Amira runs the organisations.
    for (const as of byPath.has(route) ? ["dora", "amira"] : ["dora"]) {
      const res = await call(route, as, subject);
      expect(res.status, `${as}: ${res.text}`).toBe(expected);
      if (expected === 403) expect(errorOf(res.body).code).toBe("FORBIDDEN");
    }
    expect(await city.runtime.deps.members.get(subject)).toEqual(before);
    expect(await city.runtime.deps.ledger.readAccount(subject)).toBeUndefined();
    // Out of scope, nothing tells Emil the member exists, whatever their status.
    const emil = await call(route, "emil", subject);
    expect(emil.status).toBe(404);
  });
});
