import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoSubject } from "../../../../infra/local/demo.ts";
import { API_PREFIX } from "../../../../infra/local/http-adapter.ts";
import { startTestCity, type TestCity } from "../../../support/city.ts";

/**
 * A coordinator's or an admin's powers need a sign-in that passed a second factor; a resident's
 * routes never do. The development issuer mints tokens with and without it, as Cognito's
 * pre-token-generation trigger marks them in AWS.
 */
let city: TestCity;
let ids: Record<string, string> = {};

beforeAll(async () => {
  city = await startTestCity();
  ids = city.runtime.demoIds ?? {};
});
afterAll(() => city.stop());

/** One request with a token that did (or did not) pass a second factor. */
async function callWith(
  mfa: boolean,
  handle: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: { error?: { code: string }; mfa?: { required: boolean; passed: boolean } };
}> {
  const token = await city.issuer.sign(demoSubject(handle), { mfa });
  return new Promise((resolve, reject) => {
    const req = request(
      `${city.url}${API_PREFIX}${path}`,
      { method, headers: { ...headers, authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: { error?: { code: string }; mfa?: { required: boolean; passed: boolean } } = {};
          try {
            body = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("staff powers and the second factor", () => {
  it("a staff route refuses a coordinator's token without MFA with 403 MFA_REQUIRED", async () => {
    const refused = await callWith(false, "dora", "GET", "/reports/ledger");
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe("MFA_REQUIRED");
    const admin = await callWith(false, "sam", "GET", "/members?status=pending&area=old-town");
    expect(admin.status).toBe(403);
    expect(admin.body.error?.code).toBe("MFA_REQUIRED");
  });

  it("the same staff route accepts the coordinator's token with MFA", async () => {
    expect((await callWith(true, "dora", "GET", "/reports/ledger")).status).toBe(200);
    expect((await callWith(true, "sam", "GET", "/members?status=pending&area=old-town")).status).toBe(200);
  });

  it("acting for another member is a power: refused without MFA, allowed with it", async () => {
    const forBen = { "x-act-for": ids.ben ?? "" };
    const refused = await callWith(false, "dora", "GET", "/me/account", forBen);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe("MFA_REQUIRED");
    expect((await callWith(true, "dora", "GET", "/me/account", forBen)).status).toBe(200);
  });

  it("another member's audit trail is a power; one's own is not", async () => {
    const other = await callWith(false, "dora", "GET", `/members/${ids.ben}/audit`);
    expect(other.body.error?.code).toBe("MFA_REQUIRED");
    expect((await callWith(false, "dora", "GET", `/members/${ids.dora}/audit`)).status).toBe(200);
  });

  it("a coordinator's own resident business needs no MFA", async () => {
    expect((await callWith(false, "dora", "GET", "/me/account")).status).toBe(200);
    expect((await callWith(false, "dora", "GET", "/me/posts")).status).toBe(200);
  });

  it("a resident's routes need no MFA, and a staff route refuses a resident as before (FORBIDDEN)", async () => {
    expect((await callWith(false, "amira", "GET", "/me/account")).status).toBe(200);
    expect((await callWith(false, "amira", "GET", "/me/matches")).status).toBe(200);
    const resident = await callWith(false, "amira", "GET", "/reports/ledger");
    expect(resident.status).toBe(403);
    expect(resident.body.error?.code).toBe("FORBIDDEN");
  });

  it("GET /me tells staff that their powers need a second factor and whether this sign-in passed one", async () => {
    expect((await callWith(false, "dora", "GET", "/me")).body.mfa).toEqual({ required: true, passed: false });
    expect((await callWith(true, "dora", "GET", "/me")).body.mfa).toEqual({ required: true, passed: true });
    expect((await callWith(false, "sam", "GET", "/me")).body.mfa).toEqual({ required: true, passed: false });
    // Residents are never asked; the answer still says what their sign-in passed.
    expect((await callWith(false, "amira", "GET", "/me")).body.mfa).toEqual({
      required: false,
      passed: false,
    });
    expect((await callWith(true, "amira", "GET", "/me")).body.mfa).toEqual({ required: false, passed: true });
  });
});
