import { readUnsubscribeLink } from "#domain/notices/mail.ts";
import { httpRoute } from "../route.ts";
import { confirmPage, unsubscribeQuerySchema } from "./page.ts";

/** The page an unsubscribe link opens: it checks the link and asks before anything changes. */
export const handler = httpRoute(
  {
    summary: "Confirm turning one kind of email off (the page an unsubscribe link opens)",
    auth: "public",
    query: unsubscribeQuerySchema,
    html: true,
  },
  async ({ deps, query }) => {
    const { kind, language } = await readUnsubscribeLink(deps, query.token);
    return { body: confirmPage(deps.city, kind, query.token, language) };
  },
);
