import { useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
import { useLocation } from "preact-iso";
import { api } from "../api/client.ts";
import type { PostCard } from "../api/types.ts";
import { formatDistance } from "../i18n/format.ts";
import { t } from "../i18n/index.ts";
import { member } from "../state.ts";
import { categoryOptions } from "../ui/choices.ts";
import { Actions, SelectField, TextInput } from "../ui/fields.tsx";
import { Loading, Page, Problem } from "../ui/page.tsx";
import { PostSummary } from "../ui/post-bits.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import { radii, searchQuery } from "../ui/search.ts";

/** Browse and search open offers and requests: by words, kind, category and distance from home. */
export default function Find() {
  const { query, route } = useLocation();
  const q = useSignal(query.q ?? "");
  const kind = useSignal(query.kind ?? "");
  const category = useSignal(query.category ?? "");
  const radius = useSignal(query.radiusKm ?? "");
  const more = useSignal<PostCard[]>([]);
  const cursor = useSignal<string | undefined>(undefined);
  const hasHome = member.value?.home !== undefined;
  const search = searchQuery(query);
  const key = JSON.stringify(search);
  const results = useResource(async () => {
    more.value = [];
    const data = unwrap(await api.GET("/posts", { params: { query: { ...search, limit: 20 } } }));
    cursor.value = data.nextCursor;
    return data;
  }, [key]);

  const submit = (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    const params = new URLSearchParams();
    if (q.value.trim()) params.set("q", q.value.trim());
    if (kind.value) params.set("kind", kind.value);
    if (category.value) params.set("category", category.value);
    if (radius.value) params.set("radiusKm", radius.value);
    route(`/find${params.size ? `?${params}` : ""}`);
  };
  const loadMore = async () => {
    if (!cursor.value) return;
    const { data } = await api.GET("/posts", {
      params: { query: { ...search, limit: 20, cursor: cursor.value } },
    });
    if (!data) return;
    more.value = [...more.value, ...data.items];
    cursor.value = data.nextCursor;
  };
  const items = [...(results.data?.items ?? []), ...more.value];
  const mapLink = `/find/map${Object.keys(search).length ? `?${new URLSearchParams(query as Record<string, string>)}` : ""}`;

  return (
    <Page title={t("find.title")} lead={t("find.lead")}>
      <form class="filters" onSubmit={submit} aria-label={t("find.formLabel")} noValidate>
        <TextInput
          id="find-words"
          type="search"
          label={t("find.wordsLabel")}
          hint={t("find.wordsHint")}
          value={q.value}
          maxLength={200}
          onInput={(v) => {
            q.value = v;
          }}
        />
        <SelectField
          id="find-kind"
          label={t("find.kindLabel")}
          value={kind.value}
          options={[
            { value: "", label: t("find.kindAll") },
            { value: "offer", label: t("find.kindOffers") },
            { value: "request", label: t("find.kindRequests") },
          ]}
          onChange={(v) => {
            kind.value = v;
          }}
        />
        <SelectField
          id="find-category"
          label={t("find.categoryLabel")}
          value={category.value}
          options={[{ value: "", label: t("find.categoryAll") }, ...categoryOptions()]}
          onChange={(v) => {
            category.value = v;
          }}
        />
        <SelectField
          id="find-distance"
          label={t("find.distanceLabel")}
          hint={hasHome ? undefined : t("find.distanceNoHome")}
          value={hasHome ? radius.value : ""}
          options={[
            { value: "", label: t("find.distanceAny") },
            ...(hasHome
              ? radii.map((r) => ({
                  value: r,
                  label: t("find.distanceWithin", { distance: formatDistance(Number(r)) }),
                }))
              : []),
          ]}
          onChange={(v) => {
            radius.value = v;
          }}
        />
        <Actions>
          <button type="submit">{t("find.submit")}</button>
          <a href={mapLink}>{t("find.mapLink")}</a>
        </Actions>
      </form>
      <h2 id="find-results" aria-live="polite">
        {results.loading ? t("common.loading") : t("find.resultCount", { count: items.length })}
      </h2>
      {results.error ? <Problem message={errorText(results.error)} retry={results.reload} /> : null}
      {results.loading && !items.length ? <Loading /> : null}
      <ul class="items" aria-labelledby="find-results">
        {items.map((p) => (
          <li class="item" key={p.postId}>
            <PostSummary post={p} headingLevel={3} />
          </li>
        ))}
      </ul>
      {cursor.value ? (
        <p>
          <button type="button" class="secondary" onClick={loadMore}>
            {t("find.more")}
          </button>
        </p>
      ) : null}
    </Page>
  );
}
