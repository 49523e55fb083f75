import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { startActingFor } from "../acting.ts";
import { api } from "../api/client.ts";
import type { Exchange } from "../api/types.ts";
import { city } from "../config.ts";
import { formatDate, formatDateTime, formatDuration } from "../i18n/format.ts";
import { areaName, isLocale, type Locale, messagesIn, t } from "../i18n/index.ts";
import NotFound from "../pages/not-found.tsx";
import { exchangeStatusText } from "../ui/exchange-bits.tsx";
import { Actions, ErrorSummary, Radios, TextArea, TextInput } from "../ui/fields.tsx";
import { Done, Loading, Problem } from "../ui/page.tsx";
import { errorText, type FormErrors, formErrors, noErrors } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import {
  type AuditEntry,
  fieldsText,
  languageOf,
  onBehalfOf,
  type StaffMember,
  StaffPage,
  statusText,
} from "./bits.tsx";

type Decision = "approve" | "decline" | "suspend" | "reinstate";
const decisionsFor: Record<string, Decision[]> = {
  pending: ["approve", "decline"],
  active: ["suspend"],
  suspended: ["reinstate"],
};
const needsReason = (d: Decision) => d === "decline" || d === "suspend";

const readyReasons = ["staff.reasonArea", "staff.reasonDetails", "staff.reasonRules"] as const;

/**
 * Approve, decline, suspend or reinstate. A reason is written in the member's own language (the
 * screen says which, and offers ready-made reasons already in it), because it is sent to them as is.
 */
function DecisionForm(props: { member: StaffMember; onDone: (m: StaffMember) => void }) {
  const m = props.member;
  const choices = decisionsFor[m.status] ?? [];
  // Nothing is chosen for the coordinator: a decision about a person is always a deliberate one.
  const decision = useSignal<Decision | "">("");
  const reason = useSignal("");
  const errors = useSignal<FormErrors>(noErrors);
  const busy = useSignal(false);
  const ready = useSignal<string[]>([]);
  const language: Locale = isLocale(m.preferredLanguage) ? m.preferredLanguage : "en";
  useEffect(() => {
    void messagesIn(language).then((tr) => {
      ready.value = readyReasons.map((key) => tr(key, { city: city().name }));
    });
  }, [language]);
  if (!choices.length) return null;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!decision.value) {
      errors.value = {
        problems: [{ id: "decision", text: t("staff.chooseDecision") }],
        byField: { decision: t("staff.chooseDecision") },
      };
      return;
    }
    const chosen = decision.value;
    const body =
      chosen === "decline" || chosen === "suspend"
        ? { decision: chosen, reason: reason.value }
        : { decision: chosen };
    busy.value = true;
    const result = await api.POST("/members/{memberId}/status", {
      params: { path: { memberId: m.memberId } },
      body,
    });
    busy.value = false;
    if (result.error || !result.data) {
      errors.value = formErrors(
        result.error?.error ?? { code: "NETWORK", message: "" },
        { reason: { id: "reason", text: t("staff.reasonError") } },
        "decision",
      );
      return;
    }
    errors.value = noErrors;
    reason.value = "";
    props.onDone(result.data as StaffMember);
  };
  return (
    <form onSubmit={submit} noValidate>
      <h2>{t("staff.decideTitle")}</h2>
      <ErrorSummary problems={errors.value.problems} />
      <Radios
        id="decision"
        label={t("staff.decision")}
        value={decision.value}
        error={errors.value.byField.decision}
        onChange={(v) => {
          decision.value = v as Decision;
        }}
        options={choices.map((d) => ({ value: d, label: t(`staff.decide.${d}`) }))}
      />
      {decision.value && needsReason(decision.value) ? (
        <>
          <TextArea
            id="reason"
            label={t("staff.reason")}
            hint={t("staff.reasonHint", { name: m.displayName, language: languageOf(m) })}
            value={reason.value}
            error={errors.value.byField.reason}
            maxLength={500}
            onInput={(v) => {
              reason.value = v;
            }}
          />
          {ready.value.length ? (
            <div class="ready-reasons">
              <p id="ready-reasons-title">{t("staff.readyReasons", { language: languageOf(m) })}</p>
              <ul aria-labelledby="ready-reasons-title">
                {ready.value.map((text) => (
                  <li key={text}>
                    <button
                      type="button"
                      class="secondary"
                      lang={language}
                      onClick={() => {
                        reason.value = text;
                      }}
                    >
                      {text}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : null}
      <Actions>
        <button type="submit" disabled={busy.value}>
          {t("staff.decideSend")}
        </button>
      </Actions>
    </form>
  );
}

/** A resident's credit limit and maximum balance, in hours, with the balance beside them. */
function Limits(props: { memberId: string }) {
  const account = useResource(
    async () => unwrap(await api.GET("/me/account", { params: { header: onBehalfOf(props.memberId) } })),
    [props.memberId],
  );
  const limit = useSignal("");
  const max = useSignal("");
  const errors = useSignal<FormErrors>(noErrors);
  const saved = useSignal(false);
  const a = account.data;
  useEffect(() => {
    if (!a) return;
    limit.value = String(a.creditLimitMinutes / 60);
    max.value = String(a.maxBalanceMinutes / 60);
  }, [a]);
  const submit = async (e: Event) => {
    e.preventDefault();
    saved.value = false;
    const toMinutes = (hours: string) => Math.round(Number(hours.replace(",", ".")) * 60);
    const result = await api.PUT("/accounts/{accountId}/limits", {
      params: { path: { accountId: props.memberId } },
      body: { creditLimitMinutes: toMinutes(limit.value), maxBalanceMinutes: toMinutes(max.value) },
    });
    if (result.error) {
      errors.value = formErrors(
        result.error.error,
        {
          creditLimitMinutes: { id: "credit-limit", text: t("staff.limitError") },
          maxBalanceMinutes: { id: "max-balance", text: t("staff.limitError") },
        },
        "credit-limit",
      );
      return;
    }
    errors.value = noErrors;
    saved.value = true;
    account.reload();
  };
  return (
    <section aria-labelledby="limits-title">
      <h2 id="limits-title">{t("staff.limitsTitle")}</h2>
      {account.loading && !a ? <Loading /> : null}
      {account.error ? <p>{t("staff.noAccount")}</p> : null}
      {a ? (
        <>
          <dl class="facts">
            <dt>{t("balance.title")}</dt>
            <dd>{formatDuration(a.balanceMinutes, "long")}</dd>
            <dt>{t("balance.available")}</dt>
            <dd>{formatDuration(a.availableMinutes, "long")}</dd>
          </dl>
          <form onSubmit={submit} noValidate>
            <ErrorSummary problems={errors.value.problems} />
            <TextInput
              id="credit-limit"
              label={t("staff.creditLimit")}
              hint={t("staff.creditLimitHint")}
              inputMode="decimal"
              width="short"
              value={limit.value}
              error={errors.value.byField["credit-limit"]}
              onInput={(v) => {
                limit.value = v;
              }}
            />
            <TextInput
              id="max-balance"
              label={t("staff.maxBalance")}
              hint={t("staff.maxBalanceHint")}
              inputMode="decimal"
              width="short"
              value={max.value}
              error={errors.value.byField["max-balance"]}
              onInput={(v) => {
                max.value = v;
              }}
            />
            <Actions>
              <button type="submit">{t("staff.limitsSave")}</button>
            </Actions>
            {saved.value ? <Done>{t("staff.limitsSaved")}</Done> : null}
          </form>
        </>
      ) : null}
    </section>
  );
}

/** Names of the people in a trail, looked up once each ("system" is Mutua itself). */
function useNames(ids: readonly string[]) {
  return useResource(async () => {
    const unique = [...new Set(ids)].filter((id) => id !== "system");
    const entries = await Promise.all(
      unique.map(async (id) => {
        const { data } = await api.GET("/members/{memberId}", { params: { path: { memberId: id } } });
        return [id, data?.displayName ?? id] as const;
      }),
    );
    return new Map<string, string>(entries);
  }, [ids.join(",")]);
}

const exchangeStatuses = [
  "proposed",
  "accepted",
  "completed",
  "disputed",
  "settled",
  "declined",
  "cancelled",
];

/** An exchange's step in a party's trail: who took it, for whom, and what the exchange became. */
function ExchangeLine(props: { entry: AuditEntry; who: (id: string) => string }) {
  const e = props.entry;
  const status = e.status && exchangeStatuses.includes(e.status) ? e.status : undefined;
  const moved =
    e.change === "created" ? "created" : status && e.fields.includes("status") ? "moved" : "other";
  return (
    <li class="item">
      <p>
        <strong>{props.who(e.actorId)}</strong>{" "}
        {t("audit.exchange", {
          step: moved,
          status: status ? exchangeStatusText(status as Exchange["status"]) : "",
        })}
        {e.onBehalfOf ? ` ${t("audit.onBehalf", { name: props.who(e.onBehalfOf) })}` : ""}
        {e.targetId ? (
          <>
            {" "}
            <a href={`/exchanges/${e.targetId}`}>{t("audit.exchangeLink")}</a>
          </>
        ) : null}
      </p>
      <p class="meta">{formatDateTime(e.at)}</p>
    </li>
  );
}

/** Who did what, when, and on whose behalf, in plain words, newest first. */
export function AuditTrail(props: { member: StaffMember; entries: AuditEntry[] }) {
  const names = useNames(props.entries.flatMap((e) => [e.actorId, ...(e.onBehalfOf ? [e.onBehalfOf] : [])]));
  const who = (id: string) => (id === "system" ? t("audit.system") : (names.data?.get(id) ?? "…"));
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t("audit.title")}</h2>
      {!props.entries.length ? <p>{t("audit.none")}</p> : null}
      <ol class="items audit">
        {props.entries.map((e) => {
          if (e.target === "Exchange") return <ExchangeLine key={e.eventId} entry={e} who={who} />;
          // A post changed by someone else was changed acting for its owner; a member record changed
          // by a coordinator is a decision about them, not on their behalf.
          const onBehalf =
            e.target === "Post" && e.actorId !== props.member.memberId && e.actorId !== "system";
          return (
            <li class="item" key={e.eventId}>
              <p>
                <strong>{who(e.actorId)}</strong>{" "}
                {t("audit.line", { change: e.change, target: e.target === "Post" ? "post" : "member" })}
                {e.change === "updated" && e.fields.length
                  ? ` ${t("audit.fields", { fields: fieldsText(e.fields) })}`
                  : ""}
                {onBehalf ? ` ${t("audit.onBehalf", { name: props.member.displayName })}` : ""}
              </p>
              <p class="meta">{formatDateTime(e.at)}</p>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/**
 * One member, for a coordinator in scope: who they are, decisions about them, acting for them,
 * their limits and their audit trail. Out of scope, the page says "not found", as the API does.
 */
export default function MemberPage() {
  const { params } = useRoute();
  const { route } = useLocation();
  const memberId = params.memberId ?? "";
  const changed = useSignal<StaffMember | undefined>(undefined);
  const verifiedDone = useSignal(false);
  const data = useResource(async () => {
    const trail = await api.GET("/members/{memberId}/audit", { params: { path: { memberId } } });
    const audit = unwrap(trail);
    const member = unwrap(await api.GET("/members/{memberId}", { params: { path: { memberId } } }));
    return { audit: audit.items, member: "status" in member ? (member as StaffMember) : undefined };
  }, [memberId, changed.value]);
  if (data.error?.code === "NOT_FOUND" || (data.data && !data.data.member)) return <NotFound />;
  const m = changed.value?.memberId === memberId ? changed.value : data.data?.member;
  const setVerified = async (verified: boolean) => {
    const result = await api.PUT("/members/{memberId}/verified", {
      params: { path: { memberId } },
      body: { verified },
    });
    if (result.data) {
      changed.value = result.data as StaffMember;
      verifiedDone.value = true;
    }
  };
  return (
    <StaffPage title={m?.displayName ?? t("staff.memberTitle")}>
      {data.loading && !m ? <Loading /> : null}
      {data.error ? <Problem message={errorText(data.error)} retry={data.reload} /> : null}
      {m ? (
        <>
          <dl class="facts">
            <dt>{t("staff.status")}</dt>
            <dd>{statusText(m.status)}</dd>
            <dt>{t("staff.area")}</dt>
            <dd>{areaName(m.area)}</dd>
            <dt>{t("staff.language")}</dt>
            <dd>{languageOf(m)}</dd>
            <dt>{t("staff.contact")}</dt>
            <dd>{t(`contactPreference.${m.contact.preference}`) || m.contact.preference}</dd>
            <dt>{t("staff.since")}</dt>
            <dd>{formatDate(m.createdAt)}</dd>
            <dt>{t("staff.verifiedLabel")}</dt>
            <dd>{m.verified ? t("staff.yes") : t("staff.no")}</dd>
          </dl>
          {m.emailUndeliverable ? <p class="callout">{t("staff.emailUndeliverable")}</p> : null}
          {m.smsOptedOut ? <p class="callout">{t("staff.smsOptedOut")}</p> : null}
          {m.statusReason ? (
            <p class="callout">
              {t("staff.reasonGiven")} <span class="user-text">{m.statusReason}</span>
            </p>
          ) : null}
          {m.accessibilityNeeds ? (
            <p class="callout">
              {t("staff.accessibility")} <span class="user-text">{m.accessibilityNeeds}</span>
            </p>
          ) : null}
          {m.status === "active" && m.kind === "person" ? (
            <section aria-labelledby="act-title">
              <h2 id="act-title">{t("staff.actTitle")}</h2>
              <p>{t("staff.actLead", { name: m.displayName })}</p>
              <button
                type="button"
                onClick={() => {
                  startActingFor({ memberId: m.memberId, displayName: m.displayName });
                  route("/");
                }}
              >
                {t("staff.actStart", { name: m.displayName })}
              </button>
            </section>
          ) : null}
          <DecisionForm
            member={m}
            onDone={(next) => {
              changed.value = next;
            }}
          />
          {m.status === "active" ? (
            <section aria-labelledby="verify-title">
              <h2 id="verify-title">{t("staff.verifyTitle")}</h2>
              <p>{t("staff.verifyLead")}</p>
              <button type="button" class="secondary" onClick={() => void setVerified(!m.verified)}>
                {m.verified ? t("staff.unverify") : t("staff.verify")}
              </button>
              {verifiedDone.value ? (
                <Done>{m.verified ? t("staff.verifiedDone") : t("staff.unverifiedDone")}</Done>
              ) : null}
            </section>
          ) : null}
          {m.kind === "person" && m.status === "active" ? <Limits memberId={m.memberId} /> : null}
          <AuditTrail member={m} entries={data.data?.audit ?? []} />
        </>
      ) : null}
    </StaffPage>
  );
}
