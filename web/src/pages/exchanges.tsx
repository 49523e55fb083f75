import { api } from "../api/client.ts";
import { formatDate } from "../i18n/format.ts";
import { categoryName, t } from "../i18n/index.ts";
import { selfId } from "../state.ts";
import { exchangeLine, exchangeMinutes, exchangeStatusText } from "../ui/exchange-bits.tsx";
import { Loading, Page, Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

/** The member's exchanges, newest first: who helps whom, how long, and where it stands. */
export default function Exchanges() {
  const meId = selfId.value;
  const exchanges = useResource(
    async () => unwrap(await api.GET("/me/exchanges", { params: { query: { limit: 50 } } })),
    [],
  );
  const items = exchanges.data?.items ?? [];
  return (
    <Page title={t("exchanges.title")} lead={t("exchanges.lead")}>
      {exchanges.loading ? <Loading /> : null}
      {exchanges.error ? <Problem message={errorText(exchanges.error)} retry={exchanges.reload} /> : null}
      {exchanges.data && !items.length ? <p>{t("exchanges.none")}</p> : null}
      <ul class="items">
        {items.map((x) => (
          <li class="item" key={x.exchangeId}>
            <h2>
              <a href={`/exchanges/${x.exchangeId}`}>{exchangeLine(x, meId)}</a>
            </h2>
            <p>
              {categoryName(x.category)} · {exchangeMinutes(x)}
            </p>
            {x.description ? <p class="user-text">{x.description}</p> : null}
            <p class="meta">
              <span class="status">{exchangeStatusText(x.status)}</span> · {formatDate(x.statusAt)}
            </p>
          </li>
        ))}
      </ul>
    </Page>
  );
}
