import { readFileSync } from "node:fs";
import type { Context } from "aws-lambda";
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  UnauthorizedError,
  ValidationError,
} from "#domain/kernel/errors.ts";
import * as z from "#shared/zod.ts";
import { statusFor } from "../../../../functions/http/errors.ts";
import { type HttpEvent, httpRoute } from "../../../../functions/http/route.ts";

beforeAll(() => {
  process.env.TABLE_NAME = "unit";
  // Nothing listens here: a route that reached the database would fail with a 500.
  process.env.DYNAMODB_ENDPOINT = "http://127.0.0.1:9";
  process.env.CITY_CONFIG = readFileSync(new URL("../../../../cities/example.json", import.meta.url), "utf8");
});

function event(overrides: Partial<HttpEvent> & { sub?: string } = {}): HttpEvent {
  const { sub, ...rest } = overrides;
  return {
    version: "2.0",
    routeKey: "POST /things",
    rawPath: "/things",
    rawQueryString: "",
    headers: { "content-type": "application/json" },
    isBase64Encoded: false,
    requestContext: {
      requestId: "req-1",
      http: { method: "POST", path: "/things", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "t" },
      ...(sub ? { authorizer: { jwt: { claims: { sub }, scopes: [] } } } : {}),
    },
    ...rest,
  } as HttpEvent;
}

const context = { awsRequestId: "aws-1", getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

const thing = z.strictObject({ name: z.string().check(z.maxLength(10)), count: z.int() });
const run = vi.fn(async () => ({ status: 201, body: { ok: true } }));
const memberRoute = httpRoute({ summary: "t", auth: "member", body: thing, maxBodyBytes: 100 }, run);
const publicRoute = httpRoute({ summary: "t", auth: "public", body: thing }, run);

function parse(result: unknown): {
  statusCode: number;
  body: { error?: { code: string; details?: unknown } };
} {
  const r = result as { statusCode: number; body: string };
  return { statusCode: r.statusCode, body: JSON.parse(r.body) };
}

describe("the HTTP middleware chain", () => {
  it("validates the body before any member lookup, naming each bad field", async () => {
    const result = parse(
      await memberRoute(
        event({ sub: "s", body: JSON.stringify({ name: "x".repeat(11), count: 1.5, extra: 1 }) }),
        context,
      ),
    );
    expect(result.statusCode).toBe(400);
    expect(result.body.error?.code).toBe("VALIDATION_FAILED");
    const paths = ((result.body.error?.details ?? []) as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(["", "count", "name"]);
    expect(run).not.toHaveBeenCalled();
  });

  it("answers 413 for a body over the route's limit, before parsing it", async () => {
    const result = parse(await memberRoute(event({ sub: "s", body: "x".repeat(101) }), context));
    expect(result).toMatchObject({ statusCode: 413, body: { error: { code: "PAYLOAD_TOO_LARGE" } } });
  });

  it.each([
    ["text/plain"],
    ["application/x-www-form-urlencoded"],
    ["application/json; charset=iso-8859-1"],
    [""],
  ])("answers 415 for a body of type %j, before parsing it or reading a member", async (type) => {
    const headers = type ? { "content-type": type } : {};
    const body = JSON.stringify({ name: "a", count: 1 });
    const result = parse(await memberRoute(event({ sub: "s", body, headers }), context));
    expect(result).toMatchObject({ statusCode: 415, body: { error: { code: "UNSUPPORTED_MEDIA_TYPE" } } });
    expect(run).not.toHaveBeenCalled();
  });

  it("sends every answer with nosniff and no-store", async () => {
    const result = (await publicRoute(event({ body: JSON.stringify({ name: "a", count: 1 }) }), context)) as {
      headers: Record<string, string>;
    };
    expect(result.headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    });
  });

  it("answers 401 when a protected route gets no verified subject", async () => {
    const result = parse(
      await memberRoute(event({ body: JSON.stringify({ name: "a", count: 1 }) }), context),
    );
    expect(result).toMatchObject({ statusCode: 401, body: { error: { code: "UNAUTHORIZED" } } });
  });

  it("masks unexpected failures as 500 with the request id and logs the cause", async () => {
    const log = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    // A valid body gets as far as the member lookup, which cannot reach a store.
    const result = await memberRoute(
      event({ sub: "s", body: JSON.stringify({ name: "a", count: 1 }) }),
      context,
    );
    const parsed = parse(result);
    expect(parsed.statusCode).toBe(500);
    expect(parsed.body).toEqual({ error: { code: "INTERNAL", message: expect.stringContaining("req-1") } });
    expect((result as { body: string }).body).not.toMatch(/ECONNREFUSED|at /);
    expect(log).toHaveBeenCalled();
    log.mockRestore();
  });

  it("passes the parsed body to the use-case and shapes its result", async () => {
    const result = await publicRoute(event({ body: JSON.stringify({ name: "a", count: 2 }) }), context);
    expect(parse(result)).toEqual({ statusCode: 201, body: { ok: true } });
    expect(run).toHaveBeenCalledWith(expect.objectContaining({ body: { name: "a", count: 2 } }));
  });

  it("refuses a request without the Idempotency-Key its contract requires, before any lookup", async () => {
    const use = vi.fn(async () => ({ body: {} }));
    const keyed = httpRoute(
      { summary: "t", auth: "member", body: thing, idempotency: "required", operation: "t" },
      use,
    );
    const body = JSON.stringify({ name: "a", count: 1 });
    const json = { "content-type": "application/json" };
    for (const headers of [json, { ...json, "idempotency-key": "short" }]) {
      const result = parse(await keyed(event({ sub: "s", body, headers }), context));
      expect(result).toMatchObject({ statusCode: 400, body: { error: { code: "VALIDATION_FAILED" } } });
      expect(result.body.error?.details).toEqual([
        { path: "headers.idempotency-key", message: expect.any(String) },
      ]);
    }
    expect(use).not.toHaveBeenCalled();
  });

  it("checks the shape of an Idempotency-Key a contract leaves optional, when one is sent", async () => {
    const use = vi.fn(async () => ({ status: 201, body: {} }));
    const optional = httpRoute(
      { summary: "t", auth: "public", body: thing, idempotency: "optional", operation: "t" },
      use,
    );
    const body = JSON.stringify({ name: "a", count: 1 });
    const bad = parse(
      await optional(
        event({ body, headers: { "content-type": "application/json", "idempotency-key": "has spaces" } }),
        context,
      ),
    );
    expect(bad.statusCode).toBe(400);
    expect(use).not.toHaveBeenCalled();
    expect(parse(await optional(event({ body }), context)).statusCode).toBe(201);
  });

  it("names what is invalid in a sentence that agrees: query and path parameters are invalid", async () => {
    const route = httpRoute(
      {
        summary: "t",
        auth: "public",
        query: z.strictObject({ n: z.string().check(z.maxLength(1)) }),
        path: z.object({ id: z.string().check(z.maxLength(1)) }),
      },
      vi.fn(async () => ({ body: {} })),
    );
    const badQuery = parse(await route(event({ queryStringParameters: { n: "xx" } }), context));
    expect(badQuery.body.error).toMatchObject({ message: "Query parameters are invalid" });
    const badPath = parse(
      await route(event({ queryStringParameters: { n: "x" }, pathParameters: { id: "yy" } }), context),
    );
    expect(badPath.body.error).toMatchObject({ message: "Path parameters are invalid" });
  });

  it("maps each domain error class to its status in one table", () => {
    expect(statusFor(new ValidationError("x"))).toBe(400);
    expect(statusFor(new UnauthorizedError("x"))).toBe(401);
    expect(statusFor(new ForbiddenError("x"))).toBe(403);
    expect(statusFor(new NotFoundError("x"))).toBe(404);
    expect(statusFor(new ConflictError("x"))).toBe(409);
    expect(statusFor(new RuleViolationError("x"))).toBe(422);
  });
});
