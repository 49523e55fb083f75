import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secret, TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCity, type TestCity } from "../../../support/city.ts";

/** The local runtime on one origin: the API under /api, the web app everywhere else. */
let city: TestCity;
const webDir = mkdtempSync(join(tmpdir(), "mutua-site-"));

beforeAll(async () => {
  mkdirSync(join(webDir, "assets"));
  writeFileSync(join(webDir, "index.html"), "<!doctype html><title>app</title>");
  writeFileSync(join(webDir, "assets", "main-abc123.js"), "console.log(1)");
  writeFileSync(join(webDir, "robots.txt"), "User-agent: *");
  city = await startTestCity({ webDir });
});
afterAll(async () => {
  await city?.stop();
});

const get = (path: string, init?: RequestInit) => fetch(`${city.url}${path}`, init);

describe("the web app beside the API", () => {
  it("serves the manifest's routes under /api only", async () => {
    expect((await get("/api/health")).status).toBe(200);
    const bare = await get("/health");
    // Without the prefix it is a page address: the app's index.html.
    expect(bare.status).toBe(200);
    expect(bare.headers.get("content-type")).toContain("text/html");
  });

  it("answers unknown API paths with the API's 404 body", async () => {
    const response = await get("/api/no-such-thing");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  it("sends index.html for any page address, never cached, with the security headers", async () => {
    const response = await get("/posts/new");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<title>app</title>");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("serves hashed assets for good and files by their type", async () => {
    const asset = await get("/assets/main-abc123.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("text/javascript");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await get("/robots.txt")).headers.get("content-type")).toContain("text/plain");
  });

  it("answers a missing file with 404, not the app", async () => {
    expect((await get("/assets/missing.js")).status).toBe(404);
  });

  it("never serves a file outside the app's folder", async () => {
    for (const path of [
      "/..%2f..%2fetc%2fpasswd",
      "/%2e%2e/package.json",
      "/assets/..%2f..%2fpackage.json",
    ]) {
      const response = await get(path);
      const text = await response.text();
      expect(text).not.toContain("root:");
      expect(text).not.toContain('"name"');
    }
  });

  it("refuses writes outside the API", async () => {
    expect((await get("/", { method: "POST" })).status).toBe(404);
  });

  it("serves the public city settings the app starts from", async () => {
    const response = await get("/config.json");
    const config = (await response.json()) as {
      city: { id: string; languages: { offered: string[] }; skills: { names?: Record<string, string> }[] };
      auth: { kind: string };
    };
    expect(config.city.id).toBe("riverside");
    expect(config.city.languages.offered).toEqual(["en", "nl", "fr", "de", "es"]);
    expect(config.city.skills[0]?.names?.nl).toBe("Tuinieren");
    expect(config.auth).toEqual({ kind: "dev" });
    // Nothing beyond what anyone may read.
    expect(JSON.stringify(config)).not.toContain("weights");
  });

  it("serves the OpenAPI document under /api", async () => {
    const response = await get("/api/openapi.json");
    expect(((await response.json()) as { servers: unknown }).servers).toEqual([
      expect.objectContaining({ url: "/api" }),
    ]);
  });
});

describe("the local development sign-in", () => {
  const token = (name: unknown) =>
    get("/api/dev/token", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });

  it("lists the demo people, not the organisations", async () => {
    const { items } = (await (await get("/api/dev/members")).json()) as { items: { handle: string }[] };
    expect(items.map((m) => m.handle)).toContain("amira");
    expect(items.map((m) => m.handle)).not.toContain("kitchen");
  });

  it("signs a demo person in with a token the API accepts", async () => {
    const { token: bearer, handle } = (await (await token("amira")).json()) as {
      token: string;
      handle: string;
    };
    expect(handle).toBe("amira");
    const me = await get("/api/me", { headers: { authorization: `Bearer ${bearer}` } });
    expect(((await me.json()) as { member: { displayName: string } }).member.displayName).toBe(
      "Amira Haddad",
    );
  });

  it("turns a new name into a fresh login that has not joined", async () => {
    const { token: bearer, handle } = (await (await token("Zoë Van Acker")).json()) as {
      token: string;
      handle: string;
    };
    expect(handle).toBe("zoe-van-acker");
    const me = await get("/api/me", { headers: { authorization: `Bearer ${bearer}` } });
    expect(await me.json()).toMatchObject({ subject: "local-zoe-van-acker", member: null });
  });

  it("refuses an organisation, an empty name and a body that is not JSON", async () => {
    expect((await token("kitchen")).status).toBe(422);
    const empty = await token("  !! ");
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [{ path: "name" }] },
    });
    expect((await token(42)).status).toBe(400);
    const garbage = await get("/api/dev/token", { method: "POST", body: "{" });
    expect(garbage.status).toBe(400);
  });

  it("sets up an authenticator app for a login, and then marks a sign-in with its code as having passed MFA", async () => {
    const post = (path: string, body: unknown, bearer?: string) =>
      get(path, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const mfaOf = async (bearer: string) =>
      (
        (await (await get("/api/me", { headers: { authorization: `Bearer ${bearer}` } })).json()) as {
          mfa: { required: boolean; passed: boolean };
        }
      ).mfa;
    const without = (
      (await (await post("/api/dev/token", { name: "dora", mfa: false })).json()) as { token: string }
    ).token;
    expect(await mfaOf(without)).toEqual({ required: true, passed: false });
    // No app set up yet: a code cannot sign in.
    const early = await post("/api/dev/token", { name: "dora", code: "123456" });
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [{ path: "code" }] },
    });
    expect((await post("/api/dev/second-factor/associate", {})).status).toBe(401);

    const { secretCode } = (await (await post("/api/dev/second-factor/associate", {}, without)).json()) as {
      secretCode: string;
    };
    expect(secretCode).toMatch(/^[A-Z2-7]{32}$/);
    const app = new TOTP({ secret: Secret.fromBase32(secretCode), algorithm: "SHA1", digits: 6, period: 30 });
    const current = app.generate();
    const wrong = String((Number(current) + 500_000) % 1_000_000).padStart(6, "0");
    const refused = await post("/api/dev/second-factor/verify", { code: wrong }, without);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    expect((await post("/api/dev/token", { name: "dora", code: current })).status).toBe(400);
    const verified = await post("/api/dev/second-factor/verify", { code: current }, without);
    expect(verified.status).toBe(200);

    const withCode = await post("/api/dev/token", { name: "dora", code: app.generate() });
    expect(withCode.status).toBe(200);
    expect(await mfaOf(((await withCode.json()) as { token: string }).token)).toEqual({
      required: true,
      passed: true,
    });
    expect((await post("/api/dev/token", { name: "dora", code: wrong })).status).toBe(400);
    expect((await post("/api/dev/token", { name: "dora", mfa: "yes" })).status).toBe(400);
  });

  it("is not part of the API a cloud build deploys", async () => {
    const { manifest } = await import("../../../../infra/manifest.ts");
    expect(manifest.routes.some((r) => r.path.startsWith("/dev"))).toBe(false);
  });
});
