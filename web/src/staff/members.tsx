import { useSignal } from "@preact/signals";
import { useLocation } from "preact-iso";
import { api } from "../api/client.ts";
import { areaName, t } from "../i18n/index.ts";
import { SelectField, TextInput } from "../ui/fields.tsx";
import { Loading, Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import { areaOptions, firstArea, memberStatuses, type StaffMember, StaffPage, statusText } from "./bits.tsx";

/**
 * Find a member in the coordinator's scope: by status and area from the API (never anyone out of
 * scope), then by name among them as the coordinator types.
 */
export default function Members() {
  const { query } = useLocation();
  const status = useSignal(query.status ?? "active");
  const area = useSignal(query.area ?? firstArea());
  const name = useSignal(query.q ?? "");
  const list = useResource(async () => {
    const found: StaffMember[] = [];
    let cursor: string | undefined;
    // A few pages: a neighbourhood's members by one status.
    for (let page = 0; page < 5; page++) {
      const data = unwrap(
        await api.GET("/members", {
          params: {
            query: {
              status: status.value as (typeof memberStatuses)[number],
              limit: 50,
              ...(area.value ? { area: area.value } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      );
      found.push(...data.items);
      cursor = data.nextCursor;
      if (!cursor) break;
    }
    return found;
  }, [status.value, area.value]);
  const words = name.value.trim().toLocaleLowerCase();
  const shown = (list.data ?? []).filter((m) => !words || m.displayName.toLocaleLowerCase().includes(words));
  return (
    <StaffPage title={t("staff.findTitle")} lead={t("staff.findLead")}>
      <search class="filters">
        <TextInput
          id="member-name"
          type="search"
          label={t("staff.findName")}
          value={name.value}
          onInput={(v) => {
            name.value = v;
          }}
        />
        <SelectField
          id="member-status"
          label={t("staff.status")}
          value={status.value}
          onChange={(v) => {
            status.value = v;
          }}
          options={memberStatuses.map((s) => ({ value: s, label: statusText(s) }))}
        />
        <SelectField
          id="member-area"
          label={t("staff.area")}
          value={area.value}
          onChange={(v) => {
            area.value = v;
          }}
          options={areaOptions(true)}
        />
      </search>
      {list.loading ? <Loading /> : null}
      {list.error ? <Problem message={errorText(list.error)} retry={list.reload} /> : null}
      {list.data ? <p role="status">{t("staff.found", { count: shown.length })}</p> : null}
      <ul class="items">
        {shown.map((m) => (
          <li class="item" key={m.memberId}>
            <h2>
              <a href={`/staff/members/${m.memberId}`}>{m.displayName}</a>
            </h2>
            <p class="meta">
              {areaName(m.area)} · {statusText(m.status)}
              {m.verified ? ` · ${t("staff.verified")}` : ""}
            </p>
          </li>
        ))}
      </ul>
    </StaffPage>
  );
}
