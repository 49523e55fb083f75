import { api } from "../api/client.ts";
import { formatDateTime } from "../i18n/format.ts";
import { categoryName, t } from "../i18n/index.ts";
import { withWhom } from "../ui/conversation-bits.tsx";
import { Loading, Page, Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

/** The member's conversations, latest first, unread ones marked in words and not only by colour. */
export default function Conversations() {
  const list = useResource(
    async () => unwrap(await api.GET("/me/conversations", { params: { query: { limit: 50 } } })),
    [],
  );
  const items = list.data?.items ?? [];
  return (
    <Page title={t("conversations.title")} lead={t("conversations.lead")}>
      {list.loading ? <Loading /> : null}
      {list.error ? <Problem message={errorText(list.error)} retry={list.reload} /> : null}
      {list.data && !items.length ? <p>{t("conversations.none")}</p> : null}
      <ul class="items">
        {items.map((c) => (
          <li class={`item${c.unread ? " unread" : ""}`} key={c.conversationId}>
            <h2>
              <a href={`/conversations/${c.conversationId}`}>
                {t("conversation.with", { names: withWhom(c) })}
              </a>
            </h2>
            <p>
              {categoryName(c.category)}
              {c.status === "closed" ? (
                <>
                  {" · "}
                  <span class="status">{t("conversation.closed")}</span>
                </>
              ) : null}
            </p>
            {c.unread ? <p class="unread-mark">{t("conversations.unread", { count: c.unread })}</p> : null}
            {c.lastActivityAt ? <p class="meta">{formatDateTime(c.lastActivityAt)}</p> : null}
          </li>
        ))}
      </ul>
    </Page>
  );
}
