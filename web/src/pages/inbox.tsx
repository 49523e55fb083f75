import { useSignal } from "@preact/signals";
import { api } from "../api/client.ts";
import type { Notification } from "../api/types.ts";
import { formatDateTime } from "../i18n/format.ts";
import { locale, t } from "../i18n/index.ts";
import { refreshUnread } from "../state.ts";
import { Loading, Page, Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

/** Where a notice points, as a screen of this app (notices name API paths). */
function screenFor(link: string | undefined): string | undefined {
  if (!link) return undefined;
  if (link.startsWith("/me/matches")) return "/matches";
  if (/^\/(exchanges|posts|conversations)\/[^/]+$/.test(link)) return link;
  if (link.startsWith("/members/")) return "/";
  return undefined;
}

/** The member's notices, newest first; unread ones marked in words, not only by colour. */
export default function Inbox() {
  const inbox = useResource(
    async () => unwrap(await api.GET("/me/inbox", { params: { query: { limit: 50 } } })),
    [],
  );
  const read = useSignal<Record<string, boolean>>({});
  const markRead = async (n: Notification) => {
    const { error } = await api.POST("/me/inbox/{notificationId}/read", {
      params: { path: { notificationId: n.notificationId } },
    });
    if (!error) {
      read.value = { ...read.value, [n.notificationId]: true };
      void refreshUnread();
    }
  };
  const items = inbox.data?.items ?? [];
  return (
    <Page title={t("inbox.title")}>
      {inbox.loading ? <Loading /> : null}
      {inbox.error ? <Problem message={errorText(inbox.error)} retry={inbox.reload} /> : null}
      {inbox.data && !items.length ? <p>{t("inbox.none")}</p> : null}
      <ul class="items">
        {items.map((n) => {
          const unread = !n.readAt && !read.value[n.notificationId];
          const screen = screenFor(n.link);
          return (
            <li class={`item${unread ? " unread" : ""}`} key={n.notificationId}>
              <h2>
                {unread ? <span class="unread-mark">{t("inbox.new")} </span> : null}
                {t(`notice.${n.kind}`)}
              </h2>
              {/* Notices are written by the server in English for now (conversation notices in the
                  reader's language, or a member's own words); say so to screen readers. */}
              <p
                class="user-text"
                lang={locale.value === "en" || n.kind.startsWith("conversation-") ? undefined : "en"}
              >
                {n.body}
              </p>
              <p class="meta">{formatDateTime(n.createdAt)}</p>
              <div class="actions">
                {screen ? (
                  <a class="button secondary" href={screen} onClick={() => unread && void markRead(n)}>
                    {t("inbox.open")}
                    <span class="visually-hidden">: {t(`notice.${n.kind}`)}</span>
                  </a>
                ) : null}
                {unread ? (
                  <button type="button" class="secondary" onClick={() => void markRead(n)}>
                    {t("inbox.markRead")}
                    <span class="visually-hidden">: {t(`notice.${n.kind}`)}</span>
                  </button>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
    </Page>
  );
}
