import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCity, type TestCity } from "../../../support/city.ts";
import {
  cityWithoutQuietHours,
  joinByEmail,
  mailTo,
  noticeOf,
  subjectOf,
  unsubscribeUrlOf,
} from "../../../support/mail.ts";

let city: TestCity;
beforeAll(async () => {
  city = await startTestCity({ city: cityWithoutQuietHours() });
});
afterAll(() => city.stop());

const form = { "content-type": "application/x-www-form-urlencoded" };

/** The path and query of an unsubscribe URL, as the test client calls it (under /api). */
function routeOf(url: URL): string {
  return `${url.pathname.replace(/^\/api/, "")}${url.search}`;
}

async function optOuts(login: string): Promise<unknown> {
  const me = await city.call("GET", "/me", { as: login });
  return (me.body as { member: { emailOptOuts: unknown } }).member.emailOptOuts;
}

describe("one-click unsubscribe (RFC 8058)", () => {
  it("is offered on digests and suggestions, and on no other email", async () => {
    const id = await joinByEmail(city, "ulla", "ulla@example.org");
    await noticeOf(city, id, "suggestion");
    await noticeOf(city, id, "digest");
    await city.runtime.poller.drain();
    const [welcome, suggestion, digest] = mailTo(city, "ulla@example.org");
    expect(welcome?.subject).toContain("Welcome");
    expect(welcome?.headers).toBeUndefined();
    for (const message of [suggestion, digest]) {
      expect(message?.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      const url = unsubscribeUrlOf(message ?? {});
      expect(url.origin).toBe("https://timebank.riverside.example");
      expect(url.pathname).toBe("/api/unsubscribe");
    }
    // One token per kind of notice.
    expect(unsubscribeUrlOf(suggestion ?? {}).href).not.toBe(unsubscribeUrlOf(digest ?? {}).href);
  });

  it("stops that kind of email for that member, and nothing else", async () => {
    const id = await joinByEmail(city, "vera", "vera@example.org");
    const other = await joinByEmail(city, "wim", "wim@example.org");
    await noticeOf(city, id, "suggestion");
    await city.runtime.poller.drain();
    const link = unsubscribeUrlOf(mailTo(city, "vera@example.org").at(-1) ?? {});

    // The page the link opens asks first: opening it changes nothing.
    const page = await city.call("GET", routeOf(link));
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post"');
    expect(page.text).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(await optOuts("vera")).toEqual([]);

    // What a mail client sends for a one-click unsubscribe.
    const done = await city.call("POST", routeOf(link), {
      rawBody: "List-Unsubscribe=One-Click",
      headers: form,
    });
    expect(done.status).toBe(200);
    expect(await optOuts("vera")).toEqual(["suggestion"]);
    // A second click changes nothing more.
    expect(
      (await city.call("POST", routeOf(link), { rawBody: "List-Unsubscribe=One-Click", headers: form }))
        .status,
    ).toBe(200);
    expect(await optOuts("vera")).toEqual(["suggestion"]);

    const before = mailTo(city, "vera@example.org").length;
    await noticeOf(city, id, "suggestion");
    await noticeOf(city, id, "digest");
    await noticeOf(city, id, "exchange-proposed");
    await noticeOf(city, other, "suggestion");
    await city.runtime.poller.drain();
    const after = mailTo(city, "vera@example.org").slice(before);
    expect(after.map((m) => m.subject)).toEqual([
      expect.stringContaining(subjectOf("digest")),
      expect.stringContaining(subjectOf("exchange-proposed")),
    ]);
    // The suggestion is still in Vera's inbox; Wim still gets his by email.
    const inbox = await city.call("GET", "/me/inbox", { as: "vera" });
    expect(
      (inbox.body as { items: { kind: string }[] }).items.filter((n) => n.kind === "suggestion"),
    ).toHaveLength(2);
    expect(mailTo(city, "wim@example.org").at(-1)?.subject).toContain(subjectOf("suggestion"));
  });

  it.each([
    ["en", "Stop these emails?", "suggestion emails", "Done", "You will get no more"],
    ["nl", "Deze e-mails stoppen?", "suggestiemails", "Klaar", "U krijgt geen"],
    ["fr", "Arrêter ces e-mails ?", "e-mails de suggestion", "C’est fait", "Vous ne recevrez plus"],
    ["de", "Diese E-Mails abbestellen?", "Vorschlags-E-Mails", "Erledigt", "Sie bekommen keine"],
    ["es", "¿Dejar de recibir estos correos?", "correos de sugerencias", "Hecho", "No recibirá más"],
  ])(
    "speaks the member's language (%s) on the page the link opens and on the answer",
    async (language, ask, kind, done, doneBody) => {
      const login = `reader-${language}`;
      const id = await joinByEmail(city, login, `${login}@example.org`);
      const profile = await city.call("PATCH", "/me/profile", {
        as: login,
        body: { preferredLanguage: language },
      });
      expect(profile.status).toBe(200);
      await noticeOf(city, id, "suggestion");
      await city.runtime.poller.drain();
      const link = unsubscribeUrlOf(mailTo(city, `${login}@example.org`).at(-1) ?? {});

      const page = await city.call("GET", routeOf(link));
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<html lang="${language}">`);
      expect(page.text).toContain(`<h1>${ask}</h1>`);
      expect(page.text).toContain(kind);
      const answer = await city.call("POST", routeOf(link), {
        rawBody: "List-Unsubscribe=One-Click",
        headers: form,
      });
      expect(answer.status).toBe(200);
      expect(answer.text).toContain(`<html lang="${language}">`);
      expect(answer.text).toContain(`<h1>${done}</h1>`);
      expect(answer.text).toContain(doneBody);
      expect(await optOuts(login)).toEqual(["suggestion"]);
    },
  );

  it("refuses a tampered or foreign token with a house-shaped 400, and changes nothing", async () => {
    const id = await joinByEmail(city, "xena", "xena@example.org");
    await noticeOf(city, id, "digest");
    await city.runtime.poller.drain();
    const link = unsubscribeUrlOf(mailTo(city, "xena@example.org").at(-1) ?? {});
    const token = link.searchParams.get("token") ?? "";
    const [payload, signature] = token.split(".");
    // Same signature, another member's id or another kind in the payload; a flipped signature.
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8"));
    const forged = (changes: Record<string, string>) =>
      [Buffer.from(JSON.stringify({ ...claims, ...changes })).toString("base64url"), signature].join(".");
    const flipped = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    for (const bad of [
      forged({ kind: "suggestion" }),
      forged({ sub: "someone-else" }),
      flipped,
      "not-a-token",
    ]) {
      for (const method of ["GET", "POST"]) {
        const res = await city.call(method, `/unsubscribe?token=${encodeURIComponent(bad)}`, {
          ...(method === "POST" ? { rawBody: "List-Unsubscribe=One-Click", headers: form } : {}),
        });
        expect(res.status, `${method} ${bad}`).toBe(400);
        expect(res.body).toMatchObject({ error: { code: "LINK_INVALID", message: expect.any(String) } });
      }
    }
    // Missing token, or a POST without the one-click body: a validation error.
    expect(
      (await city.call("POST", "/unsubscribe", { rawBody: "List-Unsubscribe=One-Click", headers: form }))
        .body,
    ).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    expect(
      (await city.call("POST", routeOf(link), { rawBody: "List-Unsubscribe=No", headers: form })).body,
    ).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    expect(await optOuts("xena")).toEqual([]);
    await noticeOf(city, id, "digest");
    await city.runtime.poller.drain();
    expect(mailTo(city, "xena@example.org").at(-1)?.subject).toContain(subjectOf("digest"));
  });

  it("lets the member turn a kind of email back on in the profile", async () => {
    const id = await joinByEmail(city, "yusuf", "yusuf@example.org");
    await noticeOf(city, id, "digest");
    await city.runtime.poller.drain();
    const link = unsubscribeUrlOf(mailTo(city, "yusuf@example.org").at(-1) ?? {});
    await city.call("POST", routeOf(link), { rawBody: "List-Unsubscribe=One-Click", headers: form });
    expect(await optOuts("yusuf")).toEqual(["digest"]);
    const back = await city.call("PATCH", "/me/profile", { as: "yusuf", body: { emailOptOuts: [] } });
    expect(back.status).toBe(200);
    expect(await optOuts("yusuf")).toEqual([]);
  });
});
