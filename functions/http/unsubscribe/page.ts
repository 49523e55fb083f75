import type { EmailOptOutKind } from "#domain/membership/member.ts";
import type { City } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";

/** The query of both unsubscribe routes: the signed token the link in the email carries. */
export const unsubscribeQuerySchema = z.strictObject({
  token: z.string().check(z.minLength(1), z.maxLength(2048)),
});

/** RFC 8058's one-click body (a mail client POSTs exactly this; the confirming page's form too). */
export const oneClickBodySchema = z.strictObject({ "List-Unsubscribe": z.literal("One-Click") });

const kindNames: Record<EmailOptOutKind, string> = {
  digest: "digest emails (matches waiting for you)",
  suggestion: "suggestion emails (a task you could help with)",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(city: City, title: string, body: string): string {
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)} · ${escapeHtml(city.name)} time bank</title>`,
    "<style>body{font:1.1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style>",
    `</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
  ].join("\n");
}

/** Asks before turning the emails off: a link scanner that opens the link changes nothing. */
export function confirmPage(city: City, kind: EmailOptOutKind, token: string): string {
  const action = `?token=${encodeURIComponent(token)}`;
  return page(
    city,
    "Stop these emails?",
    [
      `<p>You will no longer get ${escapeHtml(kindNames[kind])} from the ${escapeHtml(city.name)} time bank.`,
      " Every other email, and your inbox in the app, stay as they are.</p>",
      `<form method="post" action="${escapeHtml(action)}">`,
      '<input type="hidden" name="List-Unsubscribe" value="One-Click">',
      '<button type="submit">Stop these emails</button></form>',
    ].join(""),
  );
}

export function donePage(city: City, kind: EmailOptOutKind): string {
  return page(
    city,
    "Done",
    `<p>You will get no more ${escapeHtml(kindNames[kind])} from the ${escapeHtml(city.name)} time bank. You can turn them back on in your profile.</p>`,
  );
}
