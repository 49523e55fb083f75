import { useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
import type { Body, Post } from "../api/types.ts";
import { formatDuration } from "../i18n/format.ts";
import { t } from "../i18n/index.ts";
import { partsOf, WeekGrid, windowsOf } from "./availability.tsx";
import { categoryOptions } from "./choices.ts";
import { Actions, ErrorSummary, Radios, SelectField, TextArea, TextInput } from "./fields.tsx";
import { KindTag } from "./post-bits.tsx";
import { type FieldMap, type FormErrors, formErrors, missing, noErrors } from "./problems.ts";

export type NewPostBody = Body<"/posts", "post">;
type ApiResult = { error?: { error: import("../api/client.ts").ApiError } };

const durations = [15, 30, 45, 60, 90, 120, 180, 240, 360, 480];
const placeChoices = ["my-place", "your-place", "online"] as const;
type PlaceChoice = (typeof placeChoices)[number];

function isPlaceChoice(value: string): value is PlaceChoice {
  return (placeChoices as readonly string[]).includes(value);
}

/**
 * Posting an offer or a request: the few things a match needs, in the order people think of them.
 * Everything is a native control, so the whole form works by keyboard alone.
 */
export function PostForm(props: {
  post?: Post;
  submitLabel: string;
  onSubmit: (body: NewPostBody) => Promise<ApiResult>;
}) {
  const p = props.post;
  const kind = useSignal<string>(p?.kind ?? "");
  const title = useSignal(p?.title ?? "");
  const category = useSignal(p?.category ?? "");
  const description = useSignal(p?.description ?? "");
  const where = useSignal<string>(p && isPlaceChoice(p.where.type) ? p.where.type : "my-place");
  const minutes = useSignal(String(p?.estimatedMinutes ?? 60));
  const tags = useSignal(p?.tags.join(", ") ?? "");
  const when = useSignal<string>(p?.availability?.type === "weekly" ? "weekly" : "any");
  const parts = useSignal<string[]>(
    p?.availability?.type === "weekly" ? partsOf(p.availability.windows) : [],
  );
  const errors = useSignal<FormErrors>(noErrors);
  const busy = useSignal(false);

  const fields: FieldMap = {
    kind: { id: "post-kind", text: t("postForm.kindProblem") },
    title: { id: "post-title", text: t("postForm.titleProblem") },
    category: { id: "post-category", text: t("postForm.categoryProblem") },
    description: { id: "post-description", text: t("postForm.descriptionProblem") },
    where: { id: "post-where", text: t("postForm.whereProblem") },
    estimatedMinutes: { id: "post-minutes", text: t("postForm.minutesProblem") },
    tags: { id: "post-tags", text: t("postForm.tagsProblem") },
    availability: { id: "post-when", text: t("postForm.whenProblem") },
  };
  const field = (key: string) => fields[key] as FieldMap[string];

  const submit = async (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    const required = missing([
      [kind.value === "offer" || kind.value === "request", field("kind")],
      [title.value.trim() !== "", field("title")],
      [category.value !== "", field("category")],
      [when.value !== "weekly" || parts.value.length > 0, field("availability")],
    ]);
    if (required.problems.length) {
      errors.value = required;
      return;
    }
    const place = isPlaceChoice(where.value) ? where.value : "online";
    const body: NewPostBody = {
      kind: kind.value === "offer" ? "offer" : "request",
      title: title.value.trim(),
      category: category.value,
      where: { type: place },
      estimatedMinutes: Number(minutes.value),
      tags: tags.value
        .split(",")
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean),
      ...(description.value.trim() ? { description: description.value.trim() } : {}),
      ...(when.value === "weekly"
        ? { availability: { type: "weekly", windows: windowsOf(parts.value) } }
        : {}),
    };
    busy.value = true;
    const result = await props.onSubmit(body);
    busy.value = false;
    errors.value = result.error ? formErrors(result.error.error, fields, "post-title") : noErrors;
  };

  return (
    <form onSubmit={submit} noValidate>
      <ErrorSummary problems={errors.value.problems} />
      {p ? (
        <p>
          <KindTag kind={p.kind} />
        </p>
      ) : (
        <Radios
          id="post-kind"
          label={t("postForm.kindLabel")}
          error={errors.value.byField["post-kind"]}
          value={kind.value}
          options={[
            { value: "offer", label: t("postForm.kindOffer"), hint: t("postForm.kindOfferHint") },
            { value: "request", label: t("postForm.kindRequest"), hint: t("postForm.kindRequestHint") },
          ]}
          onChange={(v) => {
            kind.value = v;
          }}
        />
      )}
      <TextInput
        id="post-title"
        label={t("postForm.titleLabel")}
        hint={t("postForm.titleHint")}
        error={errors.value.byField["post-title"]}
        value={title.value}
        maxLength={120}
        onInput={(v) => {
          title.value = v;
        }}
      />
      <SelectField
        id="post-category"
        label={t("postForm.categoryLabel")}
        error={errors.value.byField["post-category"]}
        value={category.value}
        options={[{ value: "", label: t("form.choose") }, ...categoryOptions()]}
        onChange={(v) => {
          category.value = v;
        }}
      />
      <SelectField
        id="post-minutes"
        label={t("postForm.minutesLabel")}
        hint={t("postForm.minutesHint")}
        error={errors.value.byField["post-minutes"]}
        value={minutes.value}
        options={durations.map((m) => ({ value: String(m), label: formatDuration(m, "long") }))}
        onChange={(v) => {
          minutes.value = v;
        }}
      />
      <Radios
        id="post-where"
        label={t("postForm.whereLabel")}
        hint={t("postForm.whereHint")}
        error={errors.value.byField["post-where"]}
        value={where.value}
        options={[
          { value: "my-place", label: t("postForm.whereMine") },
          { value: "your-place", label: t("postForm.whereYours") },
          { value: "online", label: t("postForm.whereOnline") },
        ]}
        onChange={(v) => {
          where.value = v;
        }}
      />
      <Radios
        id="post-when-choice"
        label={t("postForm.whenLabel")}
        value={when.value}
        options={[
          { value: "any", label: t("postForm.whenAny") },
          { value: "weekly", label: t("postForm.whenWeekly") },
        ]}
        onChange={(v) => {
          when.value = v;
        }}
      />
      {when.value === "weekly" ? (
        <WeekGrid
          id="post-when"
          legend={t("postForm.whenGrid")}
          error={errors.value.byField["post-when"]}
          value={parts.value}
          onChange={(v) => {
            parts.value = v;
          }}
        />
      ) : null}
      <TextArea
        id="post-description"
        label={t("postForm.descriptionLabel")}
        hint={t("postForm.descriptionHint")}
        optional
        maxLength={4000}
        error={errors.value.byField["post-description"]}
        value={description.value}
        onInput={(v) => {
          description.value = v;
        }}
      />
      <TextInput
        id="post-tags"
        label={t("postForm.tagsLabel")}
        hint={t("postForm.tagsHint")}
        optional
        error={errors.value.byField["post-tags"]}
        value={tags.value}
        onInput={(v) => {
          tags.value = v;
        }}
      />
      <Actions>
        <button type="submit" disabled={busy.value}>
          {props.submitLabel}
        </button>
      </Actions>
    </form>
  );
}
