import { readFileSync } from "node:fs";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ORIGIN_HEADER, resetRuntimeConfig } from "#shared/config/runtime.ts";
import { type HttpEvent, httpRoute } from "../../../../functions/http/route.ts";

/** In AWS the API answers only requests that came through the city's distribution. */
const SECRET = "s".repeat(48);

beforeAll(() => {
  process.env.TABLE_NAME = "unit";
  process.env.DYNAMODB_ENDPOINT = "http://127.0.0.1:9";
  process.env.CITY_CONFIG = readFileSync(new URL("../../../../cities/example.json", import.meta.url), "utf8");
  process.env.ORIGIN_SECRET = SECRET;
  resetRuntimeConfig();
});
afterAll(() => {
  delete process.env.ORIGIN_SECRET;
  resetRuntimeConfig();
});

function event(headers: Record<string, string>): HttpEvent {
  return {
    version: "2.0",
    routeKey: "GET /health",
    rawPath: "/health",
    rawQueryString: "",
    headers,
    isBase64Encoded: false,
    requestContext: {
      requestId: "req-1",
      http: { method: "GET", path: "/health", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "t" },
    },
  } as HttpEvent;
}

const context = { awsRequestId: "aws-1", getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
const run = vi.fn(async () => ({ body: { ok: true } }));
const route = httpRoute({ summary: "t", auth: "public" }, run);

const answer = async (headers: Record<string, string>) => {
  const r = (await route(event(headers), context)) as { statusCode: number; body: string };
  return { status: r.statusCode, body: JSON.parse(r.body) as { error?: { code: string } } };
};

describe("the API behind the distribution", () => {
  it("refuses a request without the distribution's origin header (403, nothing run)", async () => {
    const direct = await answer({});
    expect(direct.status).toBe(403);
    expect(direct.body.error?.code).toBe("FORBIDDEN");
    expect((await answer({ [ORIGIN_HEADER]: "guess" })).status).toBe(403);
    expect((await answer({ [ORIGIN_HEADER]: `${SECRET}x` })).status).toBe(403);
    expect(run).not.toHaveBeenCalled();
  });

  it("answers one that came through it", async () => {
    expect((await answer({ [ORIGIN_HEADER]: SECRET })).status).toBe(200);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
