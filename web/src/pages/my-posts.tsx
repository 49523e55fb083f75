import { api } from "../api/client.ts";
import { formatDate } from "../i18n/format.ts";
import { t } from "../i18n/index.ts";
import { Loading, Page, Problem } from "../ui/page.tsx";
import { PostSummary, statusText } from "../ui/post-bits.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

/** The member's own posts, newest first, with their state and what can be done with each. */
export default function MyPosts() {
  const posts = useResource(
    async () => unwrap(await api.GET("/me/posts", { params: { query: { limit: 50 } } })),
    [],
  );
  const items = posts.data?.items ?? [];
  return (
    <Page title={t("myPosts.title")}>
      <p>
        <a class="button" href="/posts/new">
          {t("nav.post")}
        </a>
      </p>
      {posts.loading ? <Loading /> : null}
      {posts.error ? <Problem message={errorText(posts.error)} retry={posts.reload} /> : null}
      {posts.data && !items.length ? <p>{t("myPosts.none")}</p> : null}
      <ul class="items">
        {items.map((p) => (
          <li class="item" key={p.postId}>
            <PostSummary post={p} mine />
            <p>
              <span class="status">{statusText(p.status)}</span>{" "}
              {p.status === "open" || p.status === "paused"
                ? t("post.openUntilDate", { date: formatDate(p.expiresAt) })
                : ""}
            </p>
            <p>
              <a href={`/posts/${p.postId}`}>
                {t("myPosts.manage")}
                <span class="visually-hidden">: {p.title}</span>
              </a>{" "}
              ·{" "}
              <a href={`/posts/${p.postId}/matches`}>
                {t("post.seeMatches")}
                <span class="visually-hidden">: {p.title}</span>
              </a>
            </p>
          </li>
        ))}
      </ul>
    </Page>
  );
}
