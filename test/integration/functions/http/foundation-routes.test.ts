import { describe, expect, it } from "vitest";
import { useTestCity } from "../../../support/city.ts";

const city = useTestCity();

describe("GET /health", () => {
  it("answers 200 without a token", async () => {
    const { status, body } = await city.call("GET", "/health");
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", city: "riverside" });
  });
});

describe("GET /me", () => {
  it("returns the demo member behind the token, with roles from Mutua's own data", async () => {
    const { status, body } = await city.call("GET", "/me", { as: "dora" });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      subject: "local-dora",
      member: { displayName: "Dora Peeters", status: "active" },
      roles: ["resident", "coordinator"],
    });
  });

  it("returns member null for a login that has not joined", async () => {
    const { status, body } = await city.call("GET", "/me", { as: "newcomer" });
    expect(status).toBe(200);
    // Nobody who has not joined needs a second step (the demo sign-in passed one anyway).
    expect(body).toEqual({
      subject: "local-newcomer",
      member: null,
      roles: [],
      mfa: { required: false, passed: true },
    });
  });

  it("gives a pending applicant no roles yet", async () => {
    const { body } = await city.call("GET", "/me", { as: "fatou" });
    expect(body).toMatchObject({ member: { status: "pending" }, roles: [] });
  });

  it("answers 401 with the error shape when the token is missing", async () => {
    const { status, body } = await city.call("GET", "/me");
    expect(status).toBe(401);
    expect(body).toEqual({ error: { code: "UNAUTHORIZED", message: expect.any(String) } });
  });

  it("answers 401 for a token signed by another issuer key", async () => {
    const { DevIssuer } = await import("../../../../infra/local/identity.ts");
    const stranger = await DevIssuer.ephemeral();
    const forged = await stranger.sign("local-sam");
    const { status } = await city.call("GET", "/me", { headers: { authorization: `Bearer ${forged}` } });
    expect(status).toBe(401);
  });

  it("answers 401 for an expired token", async () => {
    const expired = await city.issuer.sign("local-amira", { ttlSeconds: -60 });
    const { status } = await city.call("GET", "/me", { headers: { authorization: `Bearer ${expired}` } });
    expect(status).toBe(401);
  });

  it("answers 400 MALFORMED_JSON for a broken body, without a stack trace", async () => {
    const { status, body, text } = await city.call("GET", "/me", {
      as: "amira",
      rawBody: '{"oops": ',
      headers: { "content-type": "application/json" },
    });
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: "MALFORMED_JSON", message: expect.any(String) } });
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe("unknown routes", () => {
  it.each([
    ["GET", "/nowhere"],
    ["POST", "/health"],
    ["DELETE", "/me"],
  ])("%s %s answers 404 with the error shape", async (method, path) => {
    const { status, body } = await city.call(method, path, { as: "amira", rawBody: "not json" });
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: "NOT_FOUND", message: expect.stringContaining(path) } });
  });
});
