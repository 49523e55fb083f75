import { unsubscribe } from "#domain/notices/mail.ts";
import { httpRoute } from "../route.ts";
import { donePage, oneClickBodySchema, unsubscribeQuerySchema } from "./page.ts";

/**
 * One-click unsubscribe (RFC 8058): the signed token turns one kind of email off for its member,
 * and nothing else. Mail clients POST here straight from the List-Unsubscribe header.
 */
export const handler = httpRoute(
  {
    summary: "Turn one kind of email off, as the link's signed token names (one-click unsubscribe)",
    auth: "public",
    query: unsubscribeQuerySchema,
    body: oneClickBodySchema,
    form: true,
    maxBodyBytes: 1024,
    html: true,
  },
  async ({ deps, query }) => {
    const { kind, language } = await unsubscribe(deps, query.token);
    return { body: donePage(deps.city, kind, language) };
  },
);
