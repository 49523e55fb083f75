import { api } from "../api/client.ts";
import { formatDuration } from "../i18n/format.ts";
import { t } from "../i18n/index.ts";
import { member, unread } from "../state.ts";
import { Page } from "../ui/page.tsx";
import { unwrap, useResource } from "../ui/resource.ts";

/** The start: balance, what is new, and the three things people come for. */
export default function Home() {
  const current = member.value;
  const account = useResource(async () => unwrap(await api.GET("/me/account")), []);
  const matches = useResource(
    async () => unwrap(await api.GET("/me/matches", { params: { query: { limit: 20 } } })),
    [],
  );
  const waiting = (matches.data?.items ?? []).filter(
    (m) => m.status === "notified" || m.status === "digest",
  ).length;
  if (!current) return null;
  const needsProfile = current.skills.categories.length === 0 && current.availability.length === 0;
  return (
    <Page title={t("home.title", { name: current.displayName })}>
      {needsProfile ? (
        <div class="callout">
          <h2>{t("home.profileTitle")}</h2>
          <p>{t("home.profileText")}</p>
          <p>
            <a class="button" href="/welcome">
              {t("home.profileLink")}
            </a>
          </p>
        </div>
      ) : null}
      <section class="summary" aria-labelledby="home-balance">
        <h2 id="home-balance">{t("home.balanceTitle")}</h2>
        <p class="big-number">{account.data ? formatDuration(account.data.balanceMinutes, "long") : "…"}</p>
        <p>
          <a href="/balance">{t("home.balanceLink")}</a>
        </p>
      </section>
      <ul class="cards">
        <li>
          <a href="/posts/new">
            <span class="card-title">{t("home.postTitle")}</span>
            <span class="card-text">{t("home.postText")}</span>
          </a>
        </li>
        <li>
          <a href="/find">
            <span class="card-title">{t("home.findTitle")}</span>
            <span class="card-text">{t("home.findText")}</span>
          </a>
        </li>
        <li>
          <a href="/matches">
            <span class="card-title">{t("home.matchesTitle")}</span>
            <span class="card-text">
              {waiting ? t("home.matchesWaiting", { count: waiting }) : t("home.matchesText")}
            </span>
          </a>
        </li>
        <li>
          <a href="/inbox">
            <span class="card-title">{t("nav.inbox")}</span>
            <span class="card-text">
              {unread.value ? t("home.inboxUnread", { count: unread.value }) : t("home.inboxNone")}
            </span>
          </a>
        </li>
      </ul>
    </Page>
  );
}
