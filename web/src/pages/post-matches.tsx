import { useSignal } from "@preact/signals";
import { useRoute } from "preact-iso";
import { api } from "../api/client.ts";
import type { Match } from "../api/types.ts";
import { t } from "../i18n/index.ts";
import { Loading, Page, Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import { MatchItem } from "./matches.tsx";

/** The people the time bank found for one of the member's posts, best first, with why. */
export default function PostMatches() {
  const { params } = useRoute();
  const postId = params.postId ?? "";
  const matches = useResource(
    async () => unwrap(await api.GET("/posts/{postId}/matches", { params: { path: { postId } } })),
    [postId],
  );
  const answered = useSignal<Record<string, Match>>({});
  const items = (matches.data?.items ?? []).map((m) => answered.value[m.matchId] ?? m);
  const title = items[0]?.postTitle;
  return (
    <Page title={t("postMatches.title")} lead={title ? t("postMatches.lead", { title }) : undefined}>
      <p>
        <a href={`/posts/${postId}`}>{t("postMatches.back")}</a>
      </p>
      {matches.loading ? <Loading /> : null}
      {matches.error ? <Problem message={errorText(matches.error)} retry={matches.reload} /> : null}
      {matches.data && !items.length ? <p>{t("postMatches.none")}</p> : null}
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
