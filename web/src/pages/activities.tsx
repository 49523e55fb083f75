import { useSignal } from "@preact/signals";
import { api, idempotencyKey } from "../api/client.ts";
import type { Answer } from "../api/types.ts";
import { formatDuration } from "../i18n/format.ts";
import { areaName, t } from "../i18n/index.ts";
import { refreshUnread } from "../state.ts";
import { Done, Loading, Page, Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

type Activity = Answer<"/activities", "get">["items"][number];

/**
 * Spending credits at a venue, at the door: the member (or their coordinator acting for them)
 * confirms; a venue never spends a member's credits itself. One key per purchase, so a double
 * tap pays once; a refusal says plainly that the credit is not there and nothing moved.
 */
function Spend(props: { activity: Activity; available: number | undefined; onSpent: () => void }) {
  const a = props.activity;
  const outcome = useSignal<{ ok: boolean; text: string } | undefined>(undefined);
  const busy = useSignal(false);
  const key = useSignal(idempotencyKey());
  const spend = async () => {
    busy.value = true;
    const result = await api.POST("/activities/{activityId}/redemptions", {
      params: { path: { activityId: a.activityId }, header: { "Idempotency-Key": key.value } },
      body: { places: 1 },
    });
    busy.value = false;
    // A definite answer ends this purchase: the next tap is a new one.
    key.value = idempotencyKey();
    if (result.error) {
      const code = result.error.error.code;
      outcome.value = {
        ok: false,
        text:
          code === "LIMIT_EXCEEDED"
            ? t("activities.notEnough", {
                price: formatDuration(a.minutes, "long"),
                available: formatDuration(props.available ?? 0, "long"),
              })
            : errorText(result.error.error),
      };
      return;
    }
    outcome.value = { ok: true, text: t("activities.spent", { price: formatDuration(a.minutes, "long") }) };
    void refreshUnread();
    props.onSpent();
  };
  return (
    <>
      <button type="button" disabled={busy.value} onClick={() => void spend()}>
        {t("activities.spend", { price: formatDuration(a.minutes, "long") })}
        <span class="visually-hidden"> ({a.title})</span>
      </button>
      {outcome.value?.ok ? <Done>{outcome.value.text}</Done> : null}
      {outcome.value && !outcome.value.ok ? (
        <div class="problem" role="alert">
          <p>{outcome.value.text}</p>
        </div>
      ) : null}
    </>
  );
}

/** Activities that accept time credits: a cinema seat, a swim, a repair café. */
export default function Activities() {
  const tick = useSignal(0);
  const activities = useResource(
    async () => unwrap(await api.GET("/activities", { params: { query: { limit: 50 } } })),
    [],
  );
  const account = useResource(async () => unwrap(await api.GET("/me/account")), [tick.value]);
  const items = activities.data?.items ?? [];
  return (
    <Page title={t("activities.title")} lead={t("activities.lead")}>
      {account.data ? (
        <p>
          {t("activities.available", { available: formatDuration(account.data.availableMinutes, "long") })}
        </p>
      ) : null}
      {activities.loading ? <Loading /> : null}
      {activities.error ? <Problem message={errorText(activities.error)} retry={activities.reload} /> : null}
      {activities.data && !items.length ? <p>{t("activities.none")}</p> : null}
      <ul class="items">
        {items.map((a) => (
          <li class="item" key={a.activityId}>
            <h2>{a.title}</h2>
            <p class="meta">
              {a.venueName} · {areaName(a.area)} · {formatDuration(a.minutes, "long")}
            </p>
            {a.description ? <p class="user-text">{a.description}</p> : null}
            <Spend
              activity={a}
              available={account.data?.availableMinutes}
              onSpent={() => {
                tick.value += 1;
              }}
            />
          </li>
        ))}
      </ul>
    </Page>
  );
}
