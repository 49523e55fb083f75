import { useSignal } from "@preact/signals";
import { useLocation, useRoute } from "preact-iso";
import { api } from "../api/client.ts";
import type { Post } from "../api/types.ts";
import { formatDate, formatDuration } from "../i18n/format.ts";
import { categoryName, t } from "../i18n/index.ts";
import { selfId } from "../state.ts";
import { Done, Loading, Page, Problem } from "../ui/page.tsx";
import { KindTag, statusText, whenText, whereText } from "../ui/post-bits.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the owner can do with their post: pause, reopen, mark done, withdraw, keep it longer. */
function OwnerActions(props: { post: Post; onChange: (post: Post) => void }) {
  const p = props.post;
  const problem = useSignal<string | undefined>(undefined);
  const done = useSignal<string | undefined>(undefined);
  const setStatus = async (status: "open" | "paused" | "fulfilled" | "withdrawn", message: string) => {
    const { data, error } = await api.POST("/posts/{postId}/status", {
      params: { path: { postId: p.postId } },
      body: { status },
    });
    problem.value = error ? errorText(error.error) : undefined;
    if (data) {
      done.value = message;
      props.onChange(data);
    }
  };
  const renew = async () => {
    // Thirty more days from today, as a new post would get.
    const expiresAt = new Date(Date.now() + 30 * DAY_MS).toISOString();
    const { data, error } = await api.PATCH("/posts/{postId}", {
      params: { path: { postId: p.postId } },
      body: { expiresAt },
    });
    problem.value = error ? errorText(error.error) : undefined;
    if (data) {
      done.value = t("post.renewed", { date: formatDate(data.expiresAt) });
      props.onChange(data);
    }
  };
  const live = p.status === "open" || p.status === "paused";
  return (
    <section aria-labelledby="post-manage">
      <h2 id="post-manage">{t("post.manageTitle")}</h2>
      {done.value ? (
        <Done>
          <p>{done.value}</p>
        </Done>
      ) : null}
      {problem.value ? <Problem message={problem.value} /> : null}
      <div class="actions">
        {live ? (
          <a class="button secondary" href={`/posts/${p.postId}/edit`}>
            {t("post.edit")}
          </a>
        ) : null}
        <a class="button secondary" href={`/posts/${p.postId}/matches`}>
          {t("post.seeMatches")}
        </a>
        {p.status === "open" ? (
          <button type="button" class="secondary" onClick={() => setStatus("paused", t("post.pausedDone"))}>
            {t("post.pause")}
          </button>
        ) : null}
        {p.status === "paused" ? (
          <button type="button" class="secondary" onClick={() => setStatus("open", t("post.reopenedDone"))}>
            {t("post.reopen")}
          </button>
        ) : null}
        {live || p.status === "expired" ? (
          <button type="button" class="secondary" onClick={renew}>
            {t("post.renew")}
          </button>
        ) : null}
        {live ? (
          <button
            type="button"
            class="secondary"
            onClick={() => setStatus("fulfilled", t("post.fulfilledDone"))}
          >
            {t("post.fulfil")}
          </button>
        ) : null}
        {live ? (
          <button
            type="button"
            class="warning"
            onClick={() => setStatus("withdrawn", t("post.withdrawnDone"))}
          >
            {t("post.withdraw")}
          </button>
        ) : null}
      </div>
    </section>
  );
}

export default function PostPage() {
  const { params } = useRoute();
  const { query } = useLocation();
  const postId = params.postId ?? "";
  const post = useResource(
    async () => unwrap(await api.GET("/posts/{postId}", { params: { path: { postId } } })),
    [postId],
  );
  const current = useSignal<Post | undefined>(undefined);
  const p = current.value?.postId === postId ? current.value : post.data;
  const ownerId = p?.ownerId ?? "";
  const owner = useResource(
    async () =>
      ownerId
        ? unwrap(await api.GET("/members/{memberId}", { params: { path: { memberId: ownerId } } }))
        : undefined,
    [ownerId],
  );
  const mine = p !== undefined && p.ownerId === selfId.value;
  return (
    <Page title={p ? p.title : t("post.title")}>
      {post.loading && !p ? <Loading /> : null}
      {post.error ? <Problem message={errorText(post.error)} retry={post.reload} /> : null}
      {query.published ? (
        <Done>
          <p>{t("post.published")}</p>
        </Done>
      ) : null}
      {query.saved ? (
        <Done>
          <p>{t("post.saved")}</p>
        </Done>
      ) : null}
      {p ? (
        <>
          <p>
            <KindTag kind={p.kind} /> <span class="status">{statusText(p.status)}</span>
          </p>
          <dl class="facts">
            <dt>{t("post.by")}</dt>
            <dd>{mine ? t("post.byYou") : (owner.data?.displayName ?? "…")}</dd>
            <dt>{t("post.category")}</dt>
            <dd>{categoryName(p.category)}</dd>
            <dt>{t("post.time")}</dt>
            <dd>{formatDuration(p.estimatedMinutes, "long")}</dd>
            <dt>{t("post.where")}</dt>
            <dd>{whereText(p.where, p.area, mine)}</dd>
            <dt>{t("post.when")}</dt>
            <dd>{whenText(p.availability)}</dd>
            {p.capacity > 1 ? (
              <>
                <dt>{t("post.places")}</dt>
                <dd>{p.capacity}</dd>
              </>
            ) : null}
            {p.tags.length ? (
              <>
                <dt>{t("post.tags")}</dt>
                <dd>{p.tags.join(", ")}</dd>
              </>
            ) : null}
            <dt>{t("post.openUntil")}</dt>
            <dd>{formatDate(p.expiresAt)}</dd>
          </dl>
          {p.description ? (
            <>
              <h2>{t("post.descriptionTitle")}</h2>
              <p class="user-text">{p.description}</p>
            </>
          ) : null}
          {mine ? (
            <OwnerActions
              post={p}
              onChange={(next) => {
                current.value = next;
              }}
            />
          ) : p.status === "open" ? (
            <p>
              <a class="button" href={`/exchanges/new?postId=${encodeURIComponent(p.postId)}`}>
                {p.kind === "request" ? t("post.offerHelp") : t("post.askForThis")}
              </a>
            </p>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
