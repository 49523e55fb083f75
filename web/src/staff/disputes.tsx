import { useSignal } from "@preact/signals";
import { api, idempotencyKey } from "../api/client.ts";
import type { Exchange } from "../api/types.ts";
import { formatDateTime, formatDuration } from "../i18n/format.ts";
import { categoryName, t } from "../i18n/index.ts";
import { exchangeMinutes } from "../ui/exchange-bits.tsx";
import { Actions, ErrorSummary, Radios, SelectField, TextArea } from "../ui/fields.tsx";
import { Done, Loading, Problem } from "../ui/page.tsx";
import { errorText, type FormErrors, formErrors, noErrors } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import { areaOptions, firstArea, StaffPage } from "./bits.tsx";

function nameOf(x: Exchange, memberId: string): string {
  return x.parties.find((p) => p.memberId === memberId)?.displayName ?? memberId;
}

/**
 * Both sides of a dispute: what was agreed, what the provider recorded, what the one who
 * disputed said, and each party's own account (or that they have not given one yet); then the coordinator's decision (settle, adjust the minutes, or cancel) with a reason.
 */
function Dispute(props: { x: Exchange; onResolved: () => void }) {
  const x = props.x;
  const decision = useSignal("");
  const minutes = useSignal("");
  const reason = useSignal("");
  const errors = useSignal<FormErrors>(noErrors);
  // One key per decision being made: a double click or a retry never resolves twice.
  const key = useSignal(idempotencyKey());
  const id = x.exchangeId;
  const submit = async (e: Event) => {
    e.preventDefault();
    const chosen = decision.value;
    if (chosen !== "settle" && chosen !== "adjust" && chosen !== "cancel") {
      errors.value = {
        problems: [{ id: `decision-${id}`, text: t("staff.chooseDecision") }],
        byField: { [`decision-${id}`]: t("staff.chooseDecision") },
      };
      return;
    }
    const body =
      chosen === "adjust"
        ? {
            decision: "adjust" as const,
            reason: reason.value,
            minutes: Math.round(Number(minutes.value.replace(",", ".")) * 60),
          }
        : chosen === "settle"
          ? { decision: "settle" as const, reason: reason.value }
          : { decision: "cancel" as const, reason: reason.value };
    const result = await api.POST("/exchanges/{exchangeId}/resolution", {
      params: { path: { exchangeId: id }, header: { "Idempotency-Key": key.value } },
      body,
    });
    if (result.error) {
      errors.value = formErrors(
        result.error.error,
        {
          reason: { id: `reason-${id}`, text: t("staff.reasonError") },
          minutes: { id: `minutes-${id}`, text: t("staff.minutesError") },
        },
        `decision-${id}`,
      );
      return;
    }
    errors.value = noErrors;
    props.onResolved();
  };
  return (
    <li class="item dispute">
      <h2>
        <a href={`/exchanges/${id}`}>
          {categoryName(x.category)} · {exchangeMinutes(x)}
        </a>
      </h2>
      <dl class="facts">
        {x.legs.map((leg) => (
          <>
            <dt key={`${leg.providerId}-p`}>{t("staff.provider")}</dt>
            <dd>{nameOf(x, leg.providerId)}</dd>
            <dt>{t("staff.receiver")}</dt>
            <dd>{nameOf(x, leg.receiverId)}</dd>
            <dt>{t("staff.agreed")}</dt>
            <dd>{formatDuration(leg.agreedMinutes, "long")}</dd>
            <dt>{t("staff.recorded", { name: nameOf(x, leg.providerId) })}</dt>
            <dd>
              {leg.actualMinutes === undefined
                ? t("staff.notRecorded")
                : formatDuration(leg.actualMinutes, "long")}
            </dd>
          </>
        ))}
      </dl>
      {x.description ? (
        <p>
          {t("staff.agreement")} <span class="user-text">{x.description}</span>
        </p>
      ) : null}
      {x.dispute ? (
        <blockquote class="quote">
          <p>
            {t("staff.disputedBy", { name: nameOf(x, x.dispute.by), date: formatDateTime(x.dispute.at) })}
          </p>
          <p class="user-text">{x.dispute.reason}</p>
        </blockquote>
      ) : null}
      <h3>{t("staff.statements")}</h3>
      {x.statements?.length ? (
        <ul class="statements">
          {x.statements.map((s) => (
            <li key={s.memberId}>
              <blockquote class="quote">
                <p>
                  {s.by === s.memberId
                    ? t("staff.statementBy", { name: nameOf(x, s.memberId), date: formatDateTime(s.at) })
                    : t("staff.statementFor", {
                        name: nameOf(x, s.memberId),
                        date: formatDateTime(s.at),
                      })}
                </p>
                <p class="user-text">{s.text}</p>
              </blockquote>
            </li>
          ))}
        </ul>
      ) : null}
      {x.parties
        .filter((p) => !x.statements?.some((s) => s.memberId === p.memberId))
        .map((p) => (
          <p key={p.memberId}>{t("staff.statementMissing", { name: p.displayName })}</p>
        ))}
      <form onSubmit={submit} noValidate>
        <ErrorSummary problems={errors.value.problems} />
        <Radios
          id={`decision-${id}`}
          label={t("staff.resolveDecision")}
          value={decision.value}
          error={errors.value.byField[`decision-${id}`]}
          onChange={(v) => {
            decision.value = v;
          }}
          options={[
            { value: "settle", label: t("staff.resolve.settle") },
            { value: "adjust", label: t("staff.resolve.adjust") },
            { value: "cancel", label: t("staff.resolve.cancel") },
          ]}
        />
        {decision.value === "adjust" ? (
          <div class={`field${errors.value.byField[`minutes-${id}`] ? " has-error" : ""}`}>
            <label for={`minutes-${id}`}>{t("staff.adjustHours")}</label>
            <input
              id={`minutes-${id}`}
              class="input short"
              inputMode="decimal"
              value={minutes.value}
              onInput={(e) => {
                minutes.value = e.currentTarget.value;
              }}
            />
          </div>
        ) : null}
        <TextArea
          id={`reason-${id}`}
          label={t("staff.resolveReason")}
          hint={t("staff.resolveReasonHint")}
          rows={2}
          value={reason.value}
          error={errors.value.byField[`reason-${id}`]}
          onInput={(v) => {
            reason.value = v;
          }}
        />
        <Actions>
          <button type="submit">{t("staff.resolveSend")}</button>
        </Actions>
      </form>
    </li>
  );
}

/** Exchanges waiting for a coordinator's decision, oldest first, in one area or all in scope. */
export default function Disputes() {
  const area = useSignal(firstArea());
  const resolved = useSignal(0);
  const queue = useResource(
    async () =>
      unwrap(
        await api.GET("/exchanges", {
          params: { query: { status: "disputed", limit: 20, ...(area.value ? { area: area.value } : {}) } },
        }),
      ),
    [area.value, resolved.value],
  );
  const items = queue.data?.items ?? [];
  return (
    <StaffPage title={t("staff.disputesTitle")} lead={t("staff.disputesLead")}>
      <SelectField
        id="dispute-area"
        label={t("staff.area")}
        value={area.value}
        onChange={(v) => {
          area.value = v;
        }}
        options={areaOptions(true)}
      />
      {resolved.value ? <Done>{t("staff.resolved")}</Done> : null}
      {queue.loading ? <Loading /> : null}
      {queue.error ? <Problem message={errorText(queue.error)} retry={queue.reload} /> : null}
      {queue.data && !items.length ? <p>{t("staff.disputesEmpty")}</p> : null}
      <ul class="items">
        {items.map((x) => (
          <Dispute
            key={x.exchangeId}
            x={x}
            onResolved={() => {
              resolved.value += 1;
            }}
          />
        ))}
      </ul>
    </StaffPage>
  );
}
