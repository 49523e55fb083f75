import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { dispatchByRouteKey, type RouteHandler } from "../../../../functions/http/dispatch.ts";
import type { HttpEvent } from "../../../../functions/http/route.ts";

const context = { awsRequestId: "r-1", getRemainingTimeInMillis: () => 1000 } as Context;

function event(routeKey: string, method: string, rawPath: string): HttpEvent {
  return {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString: "",
    headers: {},
    isBase64Encoded: false,
    requestContext: { requestId: "r-1", http: { method, path: rawPath } },
  } as HttpEvent;
}

const answering =
  (name: string): RouteHandler =>
  async (e) => ({ statusCode: 200, body: JSON.stringify({ name, routeKey: e.routeKey, path: e.rawPath }) });

describe("dispatchByRouteKey", () => {
  const handler = dispatchByRouteKey({
    "GET /posts/{postId}": answering("get"),
    "POST /posts/{postId}/status": answering("status"),
  });

  it("hands the event, unchanged, to the handler of its route key", async () => {
    const result = await handler(event("POST /posts/{postId}/status", "POST", "/posts/p1/status"), context);
    expect(JSON.parse(result.body ?? "")).toEqual({
      name: "status",
      routeKey: "POST /posts/{postId}/status",
      path: "/posts/p1/status",
    });
  });

  it.each([
    ["a route another function serves", "GET /members", "GET", "/members"],
    ["the catch-all", "$default", "DELETE", "/nowhere"],
    ["an inherited property name", "constructor", "GET", "/constructor"],
  ])("answers %s with Mutua's 404 body", async (_what, routeKey, method, rawPath) => {
    const result = await handler(event(routeKey, method, rawPath), context);
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body ?? "")).toEqual({
      error: { code: "NOT_FOUND", message: `No route for ${method} ${rawPath}` },
    });
  });
});
