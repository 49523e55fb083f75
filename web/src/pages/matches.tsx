import { useSignal } from "@preact/signals";
import { api } from "../api/client.ts";
import type { Match } from "../api/types.ts";
import { categoryName, t } from "../i18n/index.ts";
import { selfId } from "../state.ts";
import { matchStatusText, proposeLink, reasons } from "../ui/match-bits.tsx";
import { Loading, Page, Problem } from "../ui/page.tsx";
import { KindTag } from "../ui/post-bits.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

/** One match: the post, who, why in words, and the answer. */
export function MatchItem(props: { match: Match; onAnswered: (match: Match) => void }) {
  const m = props.match;
  const problem = useSignal<string | undefined>(undefined);
  const meId = selfId.value;
  const answer = async (choice: "accept" | "decline") => {
    const { data, error } = await api.POST("/matches/{matchId}/answer", {
      params: { path: { matchId: m.matchId } },
      body: { answer: choice },
    });
    problem.value = error ? errorText(error.error) : undefined;
    if (data) props.onAnswered({ ...m, ...data });
  };
  const open = m.status === "candidate" || m.status === "notified" || m.status === "digest";
  return (
    <li class="item">
      <h2>
        <a href={`/posts/${m.postId}`} class="user-text">
          {m.postTitle}
        </a>
      </h2>
      <p>
        <KindTag kind={m.postKind} /> {categoryName(m.category)} ·{" "}
        {t("match.with", { name: m.other.displayName })}
      </p>
      <p class="meta">{t("match.whyTitle")}</p>
      <ul>
        {reasons(m).map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <p>
        <span class="status">{matchStatusText(m.status)}</span>
      </p>
      {problem.value ? <Problem message={problem.value} /> : null}
      <div class="actions">
        {open ? (
          <>
            <button type="button" onClick={() => answer("accept")}>
              {t("match.accept")}
              <span class="visually-hidden">: {m.postTitle}</span>
            </button>
            <button type="button" class="secondary" onClick={() => answer("decline")}>
              {t("match.decline")}
              <span class="visually-hidden">: {m.postTitle}</span>
            </button>
          </>
        ) : null}
        {m.status === "accepted" ? (
          <>
            <a class="button" href={`/conversations/${m.conversationId ?? m.matchId}`}>
              {t("match.write")}
              <span class="visually-hidden">: {m.postTitle}</span>
            </a>
            <a class="button secondary" href={proposeLink(m, meId)}>
              {t("match.propose")}
              <span class="visually-hidden">: {m.postTitle}</span>
            </a>
          </>
        ) : null}
      </div>
    </li>
  );
}

/** Matches the time bank found for the member: posts they could answer, best and newest first. */
export default function Matches() {
  const matches = useResource(
    async () => unwrap(await api.GET("/me/matches", { params: { query: { limit: 50 } } })),
    [],
  );
  const answered = useSignal<Record<string, Match>>({});
  const items = (matches.data?.items ?? [])
    .map((m) => answered.value[m.matchId] ?? m)
    .filter((m) => m.status !== "declined" && m.status !== "closed");
  return (
    <Page title={t("matches.title")} lead={t("matches.lead")}>
      {matches.loading ? <Loading /> : null}
      {matches.error ? <Problem message={errorText(matches.error)} retry={matches.reload} /> : null}
      {matches.data && !items.length ? <p>{t("matches.none")}</p> : null}
      <ul class="items">
        {items.map((m) => (
          <MatchItem
            key={m.matchId}
            match={m}
            onAnswered={(next) => {
              answered.value = { ...answered.value, [next.matchId]: next };
            }}
          />
        ))}
      </ul>
    </Page>
  );
}
