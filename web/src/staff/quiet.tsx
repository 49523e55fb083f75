import { useSignal } from "@preact/signals";
import { api } from "../api/client.ts";
import type { Answer } from "../api/types.ts";
import { formatDate, formatList } from "../i18n/format.ts";
import { areaName, categoryName, t } from "../i18n/index.ts";
import { SelectField } from "../ui/fields.tsx";
import { Done, Loading, Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import { areaOptions, firstArea, StaffPage } from "./bits.tsx";

type Quiet = Answer<"/members/quiet", "get">["items"][number];

function Suggest(props: { member: Quiet }) {
  const m = props.member;
  const outcome = useSignal("");
  const busy = useSignal(false);
  const send = async () => {
    busy.value = true;
    const { data, error } = await api.POST("/members/{memberId}/first-task", {
      params: { path: { memberId: m.memberId } },
    });
    busy.value = false;
    if (error || !data) outcome.value = errorText(error?.error ?? { code: "NETWORK", message: "" });
    else if (!data.suggested) outcome.value = t("staff.noSuggestion", { name: m.displayName });
    else if (!data.delivered) outcome.value = t("staff.alreadySuggested", { name: m.displayName });
    else outcome.value = t("staff.suggested", { name: m.displayName, title: data.title ?? "" });
  };
  return (
    <>
      <button type="button" class="secondary" disabled={busy.value} onClick={() => void send()}>
        {t("staff.suggest")}
        <span class="visually-hidden"> ({m.displayName})</span>
      </button>
      {outcome.value ? <Done>{outcome.value}</Done> : null}
    </>
  );
}

/**
 * Residents who have never exchanged, and those who have gone quiet (nothing settled for the
 * city's quiet period), with a way to send each one a concrete task.
 */
export default function QuietMembers() {
  const area = useSignal(firstArea());
  const list = useResource(async () => {
    const found: Quiet[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const data = unwrap(
        await api.GET("/members/quiet", {
          params: {
            query: { limit: 50, ...(area.value ? { area: area.value } : {}), ...(cursor ? { cursor } : {}) },
          },
        }),
      );
      found.push(...data.items);
      cursor = data.nextCursor;
      if (!cursor) break;
    }
    return found;
  }, [area.value]);
  const items = list.data ?? [];
  return (
    <StaffPage title={t("staff.quietTitle")} lead={t("staff.quietLead")}>
      <SelectField
        id="quiet-area"
        label={t("staff.area")}
        value={area.value}
        onChange={(v) => {
          area.value = v;
        }}
        options={areaOptions(true)}
      />
      {list.loading ? <Loading /> : null}
      {list.error ? <Problem message={errorText(list.error)} retry={list.reload} /> : null}
      {list.data && !items.length ? <p>{t("staff.quietEmpty")}</p> : null}
      <ul class="items">
        {items.map((m) => (
          <li class="item" key={m.memberId}>
            <h2>
              <a href={`/staff/members/${m.memberId}`}>{m.displayName}</a>
            </h2>
            <p class="meta">
              {areaName(m.area)} · {t("staff.since")} {formatDate(m.createdAt)}
            </p>
            <p>
              <span class="status">
                {m.quiet === "gone-quiet" && m.lastSettledAt
                  ? t("staff.quietGone", { date: formatDate(m.lastSettledAt) })
                  : t("staff.quietNever")}
              </span>
            </p>
            <p>
              {m.categories.length ? formatList(m.categories.map(categoryName)) : t("staff.noSkills")}
              {m.hasHome ? "" : ` · ${t("staff.noHome")}`}
            </p>
            <Suggest member={m} />
          </li>
        ))}
      </ul>
    </StaffPage>
  );
}
