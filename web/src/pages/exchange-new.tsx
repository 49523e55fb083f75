import { useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
import { useLocation } from "preact-iso";
import { api } from "../api/client.ts";
import type { Body } from "../api/types.ts";
import { formatDuration } from "../i18n/format.ts";
import { categoryName, t } from "../i18n/index.ts";
import { selfId } from "../state.ts";
import { Actions, ErrorSummary, SelectField, TextArea } from "../ui/fields.tsx";
import { Loading, Page, Problem } from "../ui/page.tsx";
import { errorText, type FieldMap, type FormErrors, formErrors, noErrors } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

const durations = [15, 30, 45, 60, 90, 120, 180, 240, 360, 480];

/**
 * Proposing an exchange about a post (from a match, or straight from the post): who gives and who
 * receives follows the post's kind; the other side accepts or declines.
 */
export default function NewExchange() {
  const { query, route } = useLocation();
  const postId = query.postId ?? "";
  const post = useResource(
    async () => unwrap(await api.GET("/posts/{postId}", { params: { path: { postId } } })),
    [postId],
  );
  const minutes = useSignal("");
  const description = useSignal("");
  const errors = useSignal<FormErrors>(noErrors);
  const busy = useSignal(false);
  const meId = selfId.value;
  const p = post.data;
  const other = p ? (p.ownerId === meId ? query.with : p.ownerId) : undefined;
  const otherName = useResource(
    async () =>
      other
        ? unwrap(await api.GET("/members/{memberId}", { params: { path: { memberId: other } } })).displayName
        : "",
    [other ?? ""],
  );

  const fields: FieldMap = {
    minutes: { id: "exchange-minutes", text: t("exchangeNew.minutesProblem") },
    description: { id: "exchange-description", text: t("exchangeNew.descriptionProblem") },
    matchId: { id: "exchange-minutes", text: t("exchangeNew.matchProblem") },
    postId: { id: "exchange-minutes", text: t("exchangeNew.matchProblem") },
  };

  const submit = async (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!p || !other) return;
    const ownerGives = p.kind === "offer";
    const body: Body<"/exchanges", "post"> = {
      providerIds: [ownerGives ? p.ownerId : p.ownerId === meId ? other : meId],
      receiverIds: [ownerGives ? (p.ownerId === meId ? other : meId) : p.ownerId],
      minutes: Number(minutes.value || p.estimatedMinutes),
      category: p.category,
      postId: p.postId,
      ...(query.matchId ? { matchId: query.matchId } : {}),
      ...(description.value.trim() ? { description: description.value.trim() } : {}),
    };
    busy.value = true;
    const { data, error } = await api.POST("/exchanges", { body });
    busy.value = false;
    if (error) {
      errors.value = formErrors(error.error, fields, "exchange-minutes");
      return;
    }
    route(`/exchanges/${data.exchangeId}?proposed=1`);
  };

  return (
    <Page title={t("exchangeNew.title")}>
      {post.loading ? <Loading /> : null}
      {post.error ? <Problem message={errorText(post.error)} retry={post.reload} /> : null}
      {p && !other ? <Problem message={t("exchangeNew.noOther")} /> : null}
      {p && other ? (
        <>
          <p class="lead">
            {p.kind === "request"
              ? p.ownerId === meId
                ? t("exchangeNew.theyHelpYou", { name: otherName.data ?? "…", title: p.title })
                : t("exchangeNew.youHelpThem", { name: otherName.data ?? "…", title: p.title })
              : p.ownerId === meId
                ? t("exchangeNew.youHelpThem", { name: otherName.data ?? "…", title: p.title })
                : t("exchangeNew.theyHelpYou", { name: otherName.data ?? "…", title: p.title })}
          </p>
          <p>{t("exchangeNew.category", { category: categoryName(p.category) })}</p>
          <form onSubmit={submit} noValidate>
            <ErrorSummary problems={errors.value.problems} />
            <SelectField
              id="exchange-minutes"
              label={t("exchangeNew.minutesLabel")}
              hint={t("exchangeNew.minutesHint")}
              error={errors.value.byField["exchange-minutes"]}
              value={minutes.value || String(p.estimatedMinutes)}
              options={[...new Set([...durations, p.estimatedMinutes])]
                .sort((a, b) => a - b)
                .map((m) => ({ value: String(m), label: formatDuration(m, "long") }))}
              onChange={(v) => {
                minutes.value = v;
              }}
            />
            <TextArea
              id="exchange-description"
              label={t("exchangeNew.descriptionLabel")}
              hint={t("exchangeNew.descriptionHint")}
              optional
              maxLength={500}
              rows={3}
              error={errors.value.byField["exchange-description"]}
              value={description.value}
              onInput={(v) => {
                description.value = v;
              }}
            />
            <Actions>
              <button type="submit" disabled={busy.value}>
                {t("exchangeNew.submit")}
              </button>
            </Actions>
          </form>
        </>
      ) : null}
    </Page>
  );
}
