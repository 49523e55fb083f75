import { describe, expect, it } from "vitest";
import { exampleCity, useTestCity } from "../../../support/city.ts";

/** The language Mutua speaks to a member is kept on their profile, so every device follows it. */
const city = useTestCity({
  city: { ...exampleCity(), languages: { default: "en", offered: ["en", "nl", "fr"] } },
});

describe("the member's preferred language", () => {
  it("is chosen when joining and shown back to the member", async () => {
    const { status, body } = await city.call("POST", "/members/join", {
      as: "greta",
      body: {
        displayName: "Greta Maes",
        area: "north-park",
        languages: ["nl", "en"],
        preferredLanguage: "nl",
        consent: true,
      },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ preferredLanguage: "nl" });
    const me = await city.call("GET", "/me", { as: "greta" });
    expect(me.body).toMatchObject({ member: { preferredLanguage: "nl" } });
  });

  it("is changed on the profile and read back on any device", async () => {
    const { status, body } = await city.call("PATCH", "/me/profile", {
      as: "amira",
      body: { preferredLanguage: "fr" },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ preferredLanguage: "fr" });
    const me = await city.call("GET", "/me", { as: "amira" });
    expect(me.body).toMatchObject({ member: { preferredLanguage: "fr" } });
  });

  it("must be a language the city offers, and a refusal changes nothing", async () => {
    const { status, body } = await city.call("PATCH", "/me/profile", {
      as: "ben",
      body: { preferredLanguage: "de" },
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: { code: "VALIDATION_FAILED", details: [{ path: "preferredLanguage" }] },
    });
    const join = await city.call("POST", "/members/join", {
      as: "hugo",
      body: {
        displayName: "Hugo",
        area: "old-town",
        languages: ["en"],
        preferredLanguage: "es",
        consent: true,
      },
    });
    expect(join.status).toBe(400);
    expect(join.body).toMatchObject({ error: { details: [{ path: "preferredLanguage" }] } });
    expect((await city.call("GET", "/me", { as: "hugo" })).body).toMatchObject({ member: null });
    expect((await city.call("GET", "/me", { as: "ben" })).body).not.toMatchObject({
      member: { preferredLanguage: "de" },
    });
  });

  it("is private: others do not see it", async () => {
    await city.call("PATCH", "/me/profile", { as: "chen", body: { preferredLanguage: "nl" } });
    const chenId = ((await city.call("GET", "/me", { as: "chen" })).body as { member: { memberId: string } })
      .member.memberId;
    const seen = await city.call("GET", `/members/${chenId}`, { as: "ben" });
    expect(seen.status).toBe(200);
    expect(seen.body).not.toHaveProperty("preferredLanguage");
  });
});
