import { strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import type { MemberExport } from "#domain/privacy/export.ts";
import { archiveFiles, parseCsv } from "../../support/archive.ts";
import { useTestCity } from "../../support/city.ts";

/** The export as a human-readable archive: a CSV per section and the JSON, in a zip. */
const city = useTestCity();
const ids = city.ids;

async function archive(as: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${city.apiUrl}/me/export.zip`, {
    headers: { authorization: `Bearer ${await city.token(as)}`, ...headers },
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { response, bytes };
}

describe("the export as an archive", () => {
  it("holds a CSV per section, as many rows as the JSON export has items, and the JSON itself", async () => {
    const post = await city.call("POST", "/posts", {
      as: "ben",
      body: {
        kind: "offer",
        title: "Phone help",
        category: "cooking",
        where: { type: "online" },
        estimatedMinutes: 30,
      },
    });
    expect(post.status, post.text).toBe(201);
    const { response, bytes } = await archive("ben");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="mutua-my-data-\d{4}-\d\d-\d\d\.zip"$/,
    );
    const files = archiveFiles(bytes);
    expect([...files.keys()].sort()).toEqual(
      [
        "access-log.csv",
        "account.csv",
        "audit-trail.csv",
        "consents.csv",
        "exchanges.csv",
        "inbox.csv",
        "matches.csv",
        "my-data.json",
        "posts.csv",
        "profile.csv",
        "statement.csv",
      ].sort(),
    );
    const data = JSON.parse(files.get("my-data.json") ?? "") as MemberExport;
    expect(data.member.memberId).toBe(ids.ben);
    const sections = {
      statement: data.statement,
      exchanges: data.exchanges,
      inbox: data.inbox,
      posts: data.posts,
    };
    for (const [name, items] of Object.entries(sections)) {
      expect(items.length, name).toBeGreaterThan(0);
      expect(parseCsv(files.get(`${name}.csv`) ?? ""), name).toHaveLength(items.length + 1);
    }
    const profile = new Map(parseCsv(files.get("profile.csv") ?? "").map(([field, value]) => [field, value]));
    expect(profile.get("displayName")).toBe("Ben Jacobs");
    expect(profile.get("memberId")).toBe(ids.ben);
    // Nested fields get a column of their own, lists a cell: nothing is left as [object Object].
    expect(profile.get("contact.preference")).toBeDefined();
    expect([...files.values()].some((text) => text.includes("[object Object]"))).toBe(false);
  });

  it("neutralises cells a spreadsheet would run as a formula", async () => {
    const bio = '=HYPERLINK("https://evil.example","click")';
    const changed = await city.call("PATCH", "/me/profile", { as: "chen", body: { bio } });
    expect(changed.status, changed.text).toBe(200);
    const profile = parseCsv(archiveFiles((await archive("chen")).bytes).get("profile.csv") ?? "");
    expect(profile).toContainEqual(["bio", `'${bio}`]);
    expect(profile.every(([, value]) => !/^[=+\-@]/.test(value ?? ""))).toBe(true);
  });

  it("is made by a coordinator for a member who asks, and shows up in the member's access log", async () => {
    const { response } = await archive("dora", { "x-act-for": ids.ben ?? "" });
    expect(response.status).toBe(200);
    const log = await city.call("GET", "/me/access-log", { as: "ben" });
    expect((log.body as { items: { action: string; route: string }[] }).items[0]).toMatchObject({
      action: "export",
      route: "GET /me/export.zip",
    });
  });

  it("refuses a stranger with the house error shape", async () => {
    const { response, bytes } = await archive("chen", { "x-act-for": ids.ben ?? "" });
    expect(response.status).toBe(404);
    expect(JSON.parse(strFromU8(bytes))).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
