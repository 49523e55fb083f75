import { api } from "../api/client.ts";
import { formatDate } from "../i18n/format.ts";
import { areaName, t } from "../i18n/index.ts";
import { Loading, Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import { languageOf, StaffPage } from "./bits.tsx";

/** People waiting to join, oldest first, in the coordinator's areas: each opens to decide. */
export default function Queue() {
  const queue = useResource(
    async () => unwrap(await api.GET("/members", { params: { query: { status: "pending", limit: 50 } } })),
    [],
  );
  const items = queue.data?.items ?? [];
  return (
    <StaffPage title={t("staff.queueTitle")} lead={t("staff.queueLead")}>
      {queue.loading ? <Loading /> : null}
      {queue.error ? <Problem message={errorText(queue.error)} retry={queue.reload} /> : null}
      {queue.data && !items.length ? <p>{t("staff.queueEmpty")}</p> : null}
      <ul class="items">
        {items.map((m) => (
          <li class="item" key={m.memberId}>
            <h2>
              <a href={`/staff/members/${m.memberId}`}>{m.displayName}</a>
            </h2>
            <p class="meta">
              {areaName(m.area)} · {t("staff.reads", { language: languageOf(m) })} ·{" "}
              {t("staff.askedOn", { date: formatDate(m.createdAt) })}
            </p>
          </li>
        ))}
      </ul>
    </StaffPage>
  );
}
