import { useSignal } from "@preact/signals";
import { api, idempotencyKey } from "../api/client.ts";
import type { Answer } from "../api/types.ts";
import { formatDate, formatDuration } from "../i18n/format.ts";
import { t } from "../i18n/index.ts";
import { refreshUnread } from "../state.ts";
import { Done } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

type Request = Answer<"/me/redemption-requests", "get">["items"][number];

/**
 * One redemption a venue recorded, waiting for the member: approve (their credits move, once: the
 * key stays the same until an answer comes) or decline (the venue is told, nothing moves).
 */
function Waiting(props: { request: Request; onDecided: () => void }) {
  const r = props.request;
  const busy = useSignal(false);
  const key = useSignal(idempotencyKey());
  const outcome = useSignal<{ ok: boolean; text: string } | undefined>(undefined);
  const amount = formatDuration(r.minutes, "long");
  const answer = async (approve: boolean) => {
    busy.value = true;
    const path = { params: { path: { requestId: r.requestId } } };
    const result = approve
      ? await api.POST("/redemption-requests/{requestId}/approval", {
          params: { path: { requestId: r.requestId }, header: { "Idempotency-Key": key.value } },
        })
      : await api.POST("/redemption-requests/{requestId}/decline", path);
    busy.value = false;
    if (result.error) {
      const code = result.error.error.code;
      outcome.value = {
        ok: false,
        text:
          code === "LIMIT_EXCEEDED" ? t("redemptions.notEnough", { amount }) : errorText(result.error.error),
      };
      return;
    }
    key.value = idempotencyKey();
    outcome.value = {
      ok: true,
      text: approve ? t("redemptions.approved", { amount }) : t("redemptions.declined"),
    };
    void refreshUnread();
    props.onDecided();
  };
  const titleId = `request-${r.requestId}`;
  return (
    <li class="item" aria-labelledby={titleId}>
      <h3 id={titleId}>{t("redemptions.asks", { venue: r.venueName, amount, activity: r.activityTitle })}</h3>
      <p class="meta">
        {t("redemptions.places", { count: r.places })} ·{" "}
        {t("redemptions.until", { date: formatDate(r.expiresAt) })}
      </p>
      {outcome.value?.ok ? (
        <Done>{outcome.value.text}</Done>
      ) : (
        <p class="actions">
          <button type="button" disabled={busy.value} onClick={() => void answer(true)}>
            {t("redemptions.approve", { amount })}
          </button>{" "}
          <button type="button" class="secondary" disabled={busy.value} onClick={() => void answer(false)}>
            {t("redemptions.decline")}
          </button>
        </p>
      )}
      {outcome.value && !outcome.value.ok ? (
        <div class="problem" role="alert">
          <p>{outcome.value.text}</p>
        </div>
      ) : null}
    </li>
  );
}

/** Redemptions venues recorded for the member that wait for their answer; nothing shows when none. */
export function PendingRedemptions(props: { onDecided: () => void }) {
  const requests = useResource(
    async () => unwrap(await api.GET("/me/redemption-requests", { params: { query: { limit: 20 } } })),
    [],
  );
  const waiting = (requests.data?.items ?? []).filter((r) => r.status === "pending");
  if (!waiting.length) return null;
  return (
    <section aria-labelledby="pending-title" class="no-print">
      <h2 id="pending-title">{t("redemptions.title")}</h2>
      <p>{t("redemptions.lead")}</p>
      <ul class="items">
        {waiting.map((r) => (
          <Waiting key={r.requestId} request={r} onDecided={props.onDecided} />
        ))}
      </ul>
    </section>
  );
}
