import { describe, expect, it } from "vitest";
import type { MemberExport } from "#domain/privacy/export.ts";
import { exampleCity, useTestCity } from "../../support/city.ts";
import { createMember } from "../ledger/support.ts";

/**
 * Consent to versioned terms: a city that names the version of its terms in force asks each member
 * who has not agreed to it, at their next sign-in; until they agree, nothing new starts for them
 * (posts, exchanges), while reading, exporting and closing stay open.
 */
const VERSION = "2027-06";
const TERMS = "https://riverside.example/timebank/terms";
const city = useTestCity({ city: { ...exampleCity(), termsUrl: TERMS, termsVersion: VERSION } });
const ids = city.ids;

interface Consent {
  required: boolean;
  version?: string;
  termsUrl?: string;
  agreedVersion?: string;
  agreedAt?: string;
}
async function consentOf(as: string): Promise<Consent | undefined> {
  const res = await city.call("GET", "/me", { as });
  expect(res.status, res.text).toBe(200);
  return (res.body as { consent?: Consent }).consent;
}
const offer = {
  kind: "offer",
  title: "Bread baking",
  category: "cooking",
  where: { type: "online" },
  estimatedMinutes: 60,
};
async function postCount(as: string): Promise<number> {
  const res = await city.call("GET", "/me/posts?limit=50", { as });
  expect(res.status, res.text).toBe(200);
  return (res.body as { items: unknown[] }).items.length;
}

describe("joining under versioned terms", () => {
  it("records the version agreed to, so a new member is not asked again", async () => {
    const joined = await city.call("POST", "/members/join", {
      as: "xiomara",
      body: { displayName: "Xiomara", area: "old-town", languages: ["en"], consent: true },
    });
    expect(joined.status, joined.text).toBe(201);
    expect(await consentOf("xiomara")).toMatchObject({
      required: false,
      version: VERSION,
      agreedVersion: VERSION,
    });
  });

  it("says nothing about consent before joining", async () => {
    expect(await consentOf("nobody-yet")).toBeUndefined();
  });
});

describe("a new version of the terms", () => {
  it("asks a member who agreed to an older version, and holds back a new post until they agree", async () => {
    const member = await createMember(city.runtime.deps, { id: "consent-old", login: "consentold" });
    const agreedBefore = "2026-01-01T10:00:00.000Z";
    await city.runtime.deps.members.update(
      {
        ...member,
        consents: [{ version: "2026-01", agreedAt: agreedBefore }],
        updatedAt: new Date().toISOString(),
      },
      member.updatedAt,
    );
    expect(await consentOf("consentold")).toEqual({
      required: true,
      version: VERSION,
      termsUrl: TERMS,
      agreedVersion: "2026-01",
      agreedAt: agreedBefore,
    });

    const refused = await city.call("POST", "/posts", { as: "consentold", body: offer });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.body).toMatchObject({
      error: { code: "CONSENT_REQUIRED", details: [{ path: "consent.version" }] },
    });
    expect(await postCount("consentold")).toBe(0);
    const proposal = await city.call("POST", "/exchanges", {
      as: "consentold",
      body: { providerIds: [ids.ben], receiverIds: ["consent-old"], minutes: 60, category: "cooking" },
    });
    expect(proposal.status, proposal.text).toBe(403);

    // Reading and exporting their own data stay open.
    expect((await city.call("GET", "/me/account", { as: "consentold" })).status).toBe(200);
    expect((await city.call("GET", "/me/export", { as: "consentold" })).status).toBe(200);

    const agreed = await city.call("POST", "/me/consents", { as: "consentold", body: { version: VERSION } });
    expect(agreed.status, agreed.text).toBe(200);
    expect(agreed.body).toMatchObject({ required: false, version: VERSION, agreedVersion: VERSION });
    expect((await city.call("POST", "/posts", { as: "consentold", body: offer })).status).toBe(201);

    const data = (await city.call("GET", "/me/export", { as: "consentold" })).body as MemberExport;
    expect(data.consents).toEqual([
      { version: "2026-01", agreedAt: agreedBefore },
      { version: VERSION, agreedAt: (agreed.body as Consent).agreedAt, termsUrl: TERMS },
    ]);
  });

  it("records a consent once: the same consent again answers the same and writes nothing", async () => {
    await createMember(city.runtime.deps, { id: "consent-twice", login: "consenttwice" });
    const first = await city.call("POST", "/me/consents", { as: "consenttwice", body: { version: VERSION } });
    expect(first.status, first.text).toBe(200);
    const stored = await city.runtime.deps.members.get("consent-twice");
    const again = await city.call("POST", "/me/consents", { as: "consenttwice", body: { version: VERSION } });
    expect(again.status, again.text).toBe(200);
    expect(again.body).toEqual(first.body);
    const after = await city.runtime.deps.members.get("consent-twice");
    expect(after?.consents).toHaveLength(1);
    expect(after?.updatedAt).toBe(stored?.updatedAt);
  });

  it("refuses an older or unknown version with 409 TERMS_CHANGED and records nothing", async () => {
    await createMember(city.runtime.deps, { id: "consent-stale", login: "consentstale" });
    for (const version of ["2026-01", "2099-99"]) {
      const res = await city.call("POST", "/me/consents", { as: "consentstale", body: { version } });
      expect(res.status, res.text).toBe(409);
      expect(res.body).toMatchObject({
        error: {
          code: "TERMS_CHANGED",
          details: [{ path: "version", message: `The terms in force are version ${VERSION}` }],
        },
      });
    }
    const bad = await city.call("POST", "/me/consents", { as: "consentstale", body: { version: "" } });
    expect(bad.status).toBe(400);
    expect((await city.runtime.deps.members.get("consent-stale"))?.consents).toEqual([]);
    expect((await consentOf("consentstale"))?.required).toBe(true);
  });

  it("lets a coordinator record a consent given in person, under their own name, and holds back acting until then", async () => {
    await createMember(city.runtime.deps, { id: "consent-offline", area: "old-town" });
    const headers = { "x-act-for": "consent-offline" };
    const refused = await city.call("POST", "/posts", { as: "dora", headers, body: offer });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: "CONSENT_REQUIRED" } });

    const recorded = await city.call("POST", "/me/consents", {
      as: "dora",
      headers,
      body: { version: VERSION },
    });
    expect(recorded.status, recorded.text).toBe(200);
    expect((await city.call("POST", "/posts", { as: "dora", headers, body: offer })).status).toBe(201);
    const data = (await city.call("GET", "/me/export", { as: "dora", headers })).body as MemberExport;
    expect(data.consents).toEqual([expect.objectContaining({ version: VERSION, recordedBy: ids.dora })]);
    expect(data.accessLog.map((r) => r.route)).toContain("POST /me/consents");
  });

  it("asks no organisation: it acts through its admins, who each agreed as people", async () => {
    const res = await city.call("GET", "/me/export", {
      as: "amira",
      headers: { "x-act-for": ids.kitchen ?? "" },
    });
    expect(res.status, res.text).toBe(200);
    const org = await city.runtime.deps.members.get(ids.kitchen ?? "");
    expect(org?.kind).toBe("organisation");
    const refused = await city.call("POST", "/me/consents", {
      as: "amira",
      headers: { "x-act-for": ids.kitchen ?? "" },
      body: { version: VERSION },
    });
    expect(refused.status, refused.text).toBe(422);
  });
});
