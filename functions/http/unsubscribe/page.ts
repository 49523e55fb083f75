import type { EmailOptOutKind } from "#domain/membership/member.ts";
import { noticeCatalogue } from "#domain/notices/render.ts";
import type { City, Language } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";

/** The query of both unsubscribe routes: the signed token the link in the email carries. */
export const unsubscribeQuerySchema = z.strictObject({
  token: z.string().check(z.minLength(1), z.maxLength(2048)),
});

/** RFC 8058's one-click body (a mail client POSTs exactly this; the confirming page's form too). */
export const oneClickBodySchema = z.strictObject({ "List-Unsubscribe": z.literal("One-Click") });

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page's words in the member's language, from the notices' catalogues. */
function wordsIn(city: City, language: Language, kind: EmailOptOutKind) {
  const catalogue = noticeCatalogue(language);
  const say = (key: string, values: Record<string, string> = {}) =>
    catalogue.format(`unsubscribe.${key}`, { city: city.name, ...values }, city.timezone);
  const kindName = say("kind", { kind });
  return {
    say: (key: string) => say(key, { kindName }),
    title: (title: string) => say("pageTitle", { title }),
  };
}

function page(language: Language, fullTitle: string, title: string, body: string): string {
  return [
    "<!doctype html>",
    `<html lang="${escapeHtml(language)}"><head><meta charset="utf-8">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(fullTitle)}</title>`,
    "<style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style>",
    `</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
  ].join("\n");
}

/** Asks before turning the emails off: a link scanner that opens the link changes nothing. */
export function confirmPage(city: City, kind: EmailOptOutKind, token: string, language: Language): string {
  const action = `?token=${encodeURIComponent(token)}`;
  const { say, title } = wordsIn(city, language, kind);
  return page(
    language,
    title(say("confirmTitle")),
    say("confirmTitle"),
    [
      `<p>${escapeHtml(say("confirmBody"))}</p>`,
      `<form method="post" action="${escapeHtml(action)}">`,
      '<input type="hidden" name="List-Unsubscribe" value="One-Click">',
      `<button type="submit">${escapeHtml(say("confirmSubmit"))}</button></form>`,
    ].join(""),
  );
}

export function donePage(city: City, kind: EmailOptOutKind, language: Language): string {
  const { say, title } = wordsIn(city, language, kind);
  return page(language, title(say("doneTitle")), say("doneTitle"), `<p>${escapeHtml(say("doneBody"))}</p>`);
}
