import { describe, expect, it } from "vitest";
import { useTestCity } from "../../../support/city.ts";

/** Joining, approval, profiles, organisations, roles, closing: every test has a demo city of its own. */
const city = useTestCity({ each: true });
const ids = city.ids;

const join = { displayName: "Greta Maes", area: "north-park", languages: ["nl", "en"], consent: true };

/** Greta asks to join (pending until a coordinator decides); her member id. */
async function gretaJoins(): Promise<string> {
  const res = await city.call("POST", "/members/join", { as: "greta", body: join });
  expect(res.status, res.text).toBe(201);
  return (res.body as { memberId: string }).memberId;
}

async function memberCount(): Promise<number> {
  const res = await city.call("GET", "/exports/members.csv", { as: "sam" });
  return res.text.trim().split("\r\n").length - 1;
}

describe("joining and approval", () => {
  it("refuses bad applications with the field named and writes nothing", async () => {
    const before = await memberCount();
    const cases: [unknown, string][] = [
      [{ ...join, consent: false }, "consent"],
      [{ ...join, area: "atlantis" }, "area"],
      [{ ...join, languages: ["it"] }, "languages.0"],
      [{ ...join, displayName: "" }, "displayName"],
      [{ ...join, displayName: 42 }, "displayName"],
      [{ ...join, colour: "blue" }, ""],
      [{ ...join, contact: { preference: "email", email: "not-an-email" } }, "contact.email"],
      // The example city sends no SMS: choosing it would leave the member with no outside notices.
      [{ ...join, contact: { preference: "sms", phone: "+32470123456" } }, "contact.preference"],
      [{ ...join, contact: { preference: "email" } }, "contact.email"],
    ];
    for (const [body, field] of cases) {
      const res = await city.call("POST", "/members/join", { as: "greta", body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const details = (res.body as { error: { details: { path: string }[] } }).error.details;
      expect(details.map((d) => d.path)).toContain(field);
    }
    const huge = await city.call("POST", "/members/join", {
      as: "greta",
      body: { ...join, displayName: "x".repeat(70_000) },
    });
    expect(huge.status).toBe(413);
    expect(await memberCount()).toBe(before);
  });

  it("lets a new login ask to join once", async () => {
    const res = await city.call("POST", "/members/join", { as: "greta", body: join });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ displayName: "Greta Maes", status: "pending", area: "north-park" });
    const again = await city.call("POST", "/members/join", { as: "greta", body: join });
    expect(again.status).toBe(409);
  });

  it("shows pending applicants to coordinators in scope only", async () => {
    await gretaJoins();
    const dora = await city.call("GET", "/members?status=pending", { as: "dora" });
    expect(dora.status).toBe(200);
    const names = (dora.body as { items: { displayName: string }[] }).items.map((m) => m.displayName);
    expect(names).toEqual(expect.arrayContaining(["Greta Maes", "Fatou Diallo"]));

    const emil = await city.call("GET", "/members?status=pending", { as: "emil" });
    expect((emil.body as { items: unknown[] }).items).toEqual([]);
    expect((await city.call("GET", "/members?area=north-park", { as: "emil" })).status).toBe(403);
    expect((await city.call("GET", "/members", { as: "amira" })).status).toBe(403);
  });

  it("pages through the queue with opaque cursors and refuses forged ones", async () => {
    const first = await city.call("GET", "/members?status=active&limit=2", { as: "dora" });
    const page1 = first.body as { items: { memberId: string }[]; nextCursor?: string };
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).toBeTruthy();
    const seen = new Set(page1.items.map((m) => m.memberId));
    let cursor = page1.nextCursor;
    while (cursor) {
      const next = await city.call("GET", `/members?status=active&limit=2&cursor=${cursor}`, { as: "dora" });
      const page = next.body as { items: { memberId: string }[]; nextCursor?: string };
      for (const m of page.items) {
        expect(seen.has(m.memberId)).toBe(false);
        seen.add(m.memberId);
      }
      cursor = page.nextCursor;
    }
    expect(seen.size).toBe(7);
    const forged = await city.call("GET", "/members?cursor=bm90LWEtY3Vyc29y", { as: "dora" });
    expect(forged.status).toBe(400);
    expect((await city.call("GET", "/members?limit=51", { as: "dora" })).status).toBe(400);
  });

  it("an out-of-scope coordinator cannot decide, and learns nothing", async () => {
    const gretaId = await gretaJoins();
    const res = await city.call("POST", `/members/${gretaId}/status`, {
      as: "emil",
      body: { decision: "approve" },
    });
    expect(res.status).toBe(404);
    const missing = await city.call("POST", "/members/01NOSUCHMEMBER/status", {
      as: "emil",
      body: { decision: "approve" },
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(res.body);
  });

  it("declining needs a reason; approving notifies the member", async () => {
    const gretaId = await gretaJoins();
    const noReason = await city.call("POST", `/members/${gretaId}/status`, {
      as: "dora",
      body: { decision: "decline" },
    });
    expect(noReason.status).toBe(400);
    const ok = await city.call("POST", `/members/${gretaId}/status`, {
      as: "dora",
      body: { decision: "approve" },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: "active" });
    const twice = await city.call("POST", `/members/${gretaId}/status`, {
      as: "dora",
      body: { decision: "approve" },
    });
    expect(twice.status).toBe(422);
    expect(twice.body).toMatchObject({ error: { message: "An active member cannot be approved" } });
    const inbox = await city.call("GET", "/me/inbox", { as: "greta" });
    expect(inbox.body).toMatchObject({ items: [{ kind: "membership-approved" }] });
    const me = await city.call("GET", "/me", { as: "greta" });
    expect(me.body).toMatchObject({ roles: ["resident"] });
  });

  it("records the coordinator as the actor in the member's audit trail", async () => {
    const gretaId = await gretaJoins();
    const approved = await city.call("POST", `/members/${gretaId}/status`, {
      as: "dora",
      body: { decision: "approve" },
    });
    expect(approved.status, approved.text).toBe(200);
    await city.runtime.poller.drain();
    const audit = await city.call("GET", `/members/${gretaId}/audit`, { as: "greta" });
    expect(audit.status).toBe(200);
    const entries = (audit.body as { items: { actorId: string; change: string; fields: string[] }[] }).items;
    expect(entries.find((e) => e.change === "updated" && e.fields.includes("status"))?.actorId).toBe(
      ids.dora,
    );
    expect((await city.call("GET", `/members/${gretaId}/audit`, { as: "ben" })).status).toBe(404);
  });

  it("a suspended member is refused everywhere until reinstated", async () => {
    const suspend = await city.call("POST", `/members/${ids.ben}/status`, {
      as: "dora",
      body: { decision: "suspend", reason: "Repeated no-shows" },
    });
    expect(suspend.status).toBe(200);
    expect((await city.call("GET", "/me/inbox", { as: "ben" })).status).toBe(403);
    await city.call("POST", `/members/${ids.ben}/status`, { as: "dora", body: { decision: "reinstate" } });
    expect((await city.call("GET", "/me/inbox", { as: "ben" })).status).toBe(200);
  });
});

describe("members without email, organisations and profiles", () => {
  it("a coordinator registers a resident with no contact and edits their profile for them", async () => {
    const created = await city.call("POST", "/members", {
      as: "dora",
      body: { displayName: "Mr Janssens", area: "old-town", languages: ["nl"] },
    });
    expect(created.status).toBe(201);
    const id = (created.body as { memberId: string }).memberId;
    expect(created.body).toMatchObject({ status: "active", contact: { preference: "via-coordinator" } });
    const bySms = await city.call("POST", "/members", {
      as: "dora",
      body: {
        displayName: "Ms Peeters",
        area: "old-town",
        languages: ["nl"],
        contact: { preference: "sms", phone: "+32470123456" },
      },
    });
    expect(bySms.status).toBe(400);
    expect(JSON.stringify(bySms.body)).toContain('"path":"contact.preference"');

    const profile = await city.call("PATCH", "/me/profile", {
      as: "dora",
      headers: { "x-act-for": id },
      body: { skills: { categories: ["gardening"], tags: ["Roses"] }, home: { lat: 50.85, lon: 4.35 } },
    });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ skills: { categories: ["gardening"], tags: ["roses"] } });
    expect(profile.body).not.toHaveProperty("home");
    expect((profile.body as { homeCell: string }).homeCell).toHaveLength(6);

    // Emil coordinates Hillcrest only: acting for an Old Town resident reads as "no such member".
    const emil = await city.call("PATCH", "/me/profile", {
      as: "emil",
      headers: { "x-act-for": id },
      body: { bio: "x" },
    });
    expect(emil.status).toBe(404);
    // A resident can never act for another resident.
    const amira = await city.call("PATCH", "/me/profile", {
      as: "amira",
      headers: { "x-act-for": id },
      body: { bio: "x" },
    });
    expect(amira.status).toBe(404);
  });

  it("other residents see a profile without contact details or exact home", async () => {
    await city.call("PATCH", "/me/profile", {
      as: "chen",
      body: { home: { lat: 50.87, lon: 4.36 }, contact: { preference: "email", email: "chen@example.org" } },
    });
    const seen = await city.call("GET", `/members/${ids.chen}`, { as: "amira" });
    expect(seen.status).toBe(200);
    expect(seen.body).not.toHaveProperty("contact");
    expect(JSON.stringify(seen.body)).not.toContain("50.87");
    const byCoordinator = await city.call("GET", `/members/${ids.chen}`, { as: "dora" });
    expect(byCoordinator.body).toMatchObject({ contact: { email: "chen@example.org" } });
  });

  it("refuses profile updates outside the rules and changes nothing", async () => {
    const before = await city.call("GET", "/me", { as: "amira" });
    for (const [body, field] of [
      [{ home: { lat: 10, lon: 10 } }, "home"],
      [{ home: { lat: 200, lon: 4 } }, "home.lat"],
      [{ skills: { categories: ["alchemy"], tags: [] } }, "skills.categories.0"],
      [{ availability: [{ day: 9, from: "09:00", to: "10:00" }] }, "availability.0.day"],
      [{ availability: [{ day: 1, from: "11:00", to: "10:00" }] }, "availability.0.to"],
      [{ contact: { preference: "sms", phone: "12345" } }, "contact.phone"],
      [{ contact: { preference: "sms", phone: "+32470123456" } }, "contact.preference"],
      [{ contact: { preference: "email" } }, "contact.email"],
    ] as const) {
      const res = await city.call("PATCH", "/me/profile", { as: "amira", body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body)).toContain(`"path":"${field}"`);
    }
    expect((await city.call("GET", "/me", { as: "amira" })).body).toEqual(before.body);
  });

  it("a coordinator registers an organisation whose admin then acts for it", async () => {
    const org = await city.call("POST", "/organisations", {
      as: "dora",
      body: {
        displayName: "Canal Side Library",
        area: "canal-side",
        organisationType: "venue",
        languages: ["en", "nl"],
        admins: [ids.ben],
      },
    });
    expect(org.status).toBe(201);
    const orgId = (org.body as { memberId: string }).memberId;
    const asAdmin = await city.call("PATCH", "/me/profile", {
      as: "ben",
      headers: { "x-act-for": orgId },
      body: { bio: "Books, coffee and a repair café on Saturdays" },
    });
    expect(asAdmin.status).toBe(200);
    const notAdmin = await city.call("PATCH", "/me/profile", {
      as: "chen",
      headers: { "x-act-for": orgId },
      body: { bio: "x" },
    });
    expect(notAdmin.status).toBe(404);
    const badAdmins = await city.call("PUT", `/organisations/${orgId}/admins`, {
      as: "ben",
      body: { admins: ["nobody"] },
    });
    expect(badAdmins.status).toBe(400);
  });

  it("admins grant roles; coordinators cannot", async () => {
    expect(
      (
        await city.call("PUT", `/members/${ids.chen}/roles`, {
          as: "dora",
          body: { roles: ["resident", "coordinator"] },
        })
      ).status,
    ).toBe(403);
    const granted = await city.call("PUT", `/members/${ids.chen}/roles`, {
      as: "sam",
      body: { roles: ["resident", "coordinator"], coordinatorAreas: ["north-park"] },
    });
    expect(granted.body).toMatchObject({ roles: ["resident", "coordinator"] });
  });

  it("exports my data and closes my account, erasing personal details", async () => {
    const home = await city.call("PATCH", "/me/profile", {
      as: "chen",
      body: { home: { lat: 50.87, lon: 4.36 } },
    });
    expect(home.status, home.text).toBe(200);
    const exported = await city.call("GET", "/me/export", { as: "chen" });
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ member: { home: { lat: 50.87 } } });
    const post = await city.call("POST", "/posts", {
      as: "chen",
      body: {
        kind: "offer",
        title: "Phone help",
        category: "digital-help",
        where: { type: "online" },
        estimatedMinutes: 30,
      },
    });
    const postId = (post.body as { postId: string }).postId;
    const closed = await city.call("POST", "/me/close", { as: "chen" });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: "closed", contact: { preference: "in-app" } });
    const after = await city.call("GET", "/me", { as: "chen" });
    expect(after.body).toMatchObject({ member: { status: "closed" }, roles: [] });
    expect(after.body).not.toHaveProperty("member.home");
    // Nobody can answer a post whose owner has left.
    const left = await city.call("GET", `/posts/${postId}`, { as: "dora" });
    expect(left.body).toMatchObject({ status: "withdrawn" });
  });

  it("exports members as CSV for coordinators only", async () => {
    const csv = await city.call("GET", "/exports/members.csv", { as: "dora" });
    expect(csv.status).toBe(200);
    expect(csv.text.split("\r\n")[0]).toBe(
      "member_id,kind,display_name,status,roles,area,languages,verified,skill_categories,contact_preference,email,phone,home_cell,joined_at",
    );
    expect(csv.text).toContain("Riverside Community Kitchen");
    expect((await city.call("GET", "/exports/members.csv", { as: "amira" })).status).toBe(403);
    const emil = await city.call("GET", "/exports/members.csv", { as: "emil" });
    expect(emil.text).not.toContain("Amira");
  });
});
