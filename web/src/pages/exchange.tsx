import { useSignal } from "@preact/signals";
import type { TargetedEvent, VNode } from "preact";
import { useLocation, useRoute } from "preact-iso";
import { api, idempotencyKey } from "../api/client.ts";
import type { Body, Exchange } from "../api/types.ts";
import { formatDateTime, formatDuration } from "../i18n/format.ts";
import { categoryName, t } from "../i18n/index.ts";
import { refreshUnread, selfId } from "../state.ts";
import { exchangeLine, exchangeMinutes, exchangeStatusText, names } from "../ui/exchange-bits.tsx";
import { Actions, ErrorSummary, SelectField, TextArea } from "../ui/fields.tsx";
import { Done, Loading, Page, Problem } from "../ui/page.tsx";
import { errorText, type FormErrors, formErrors, noErrors } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

type Transition = Body<"/exchanges/{exchangeId}/transitions", "post">;
const durations = [15, 30, 45, 60, 75, 90, 120, 150, 180, 240, 300, 360, 480];

/** A step that needs a few words (a reason) or a number (minutes) before it is sent. */
function StepForm(props: {
  id: string;
  title: string;
  label: string;
  hint?: string;
  kind: "reason" | "minutes";
  reasonRequired?: boolean;
  defaultMinutes?: number;
  submitLabel: string;
  warning?: boolean;
  onSend: (value: string) => Promise<FormErrors>;
  onCancel: () => void;
}) {
  const value = useSignal(props.kind === "minutes" ? String(props.defaultMinutes ?? 60) : "");
  const errors = useSignal<FormErrors>(noErrors);
  const submit = async (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (props.kind === "reason" && props.reasonRequired && value.value.trim().length < 3) {
      const text = t("exchange.reasonProblem");
      errors.value = { problems: [{ id: props.id, text }], byField: { [props.id]: text } };
      return;
    }
    errors.value = await props.onSend(value.value.trim());
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby={`${props.id}-title`} class="step">
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <ErrorSummary problems={errors.value.problems} />
      {props.kind === "minutes" ? (
        <SelectField
          id={props.id}
          label={props.label}
          hint={props.hint}
          error={errors.value.byField[props.id]}
          value={value.value}
          options={[...new Set([...durations, props.defaultMinutes ?? 60])]
            .sort((a, b) => a - b)
            .map((m) => ({ value: String(m), label: formatDuration(m, "long") }))}
          onChange={(v) => {
            value.value = v;
          }}
        />
      ) : (
        <TextArea
          id={props.id}
          label={props.label}
          hint={props.hint}
          optional={!props.reasonRequired}
          rows={3}
          maxLength={500}
          error={errors.value.byField[props.id]}
          value={value.value}
          onInput={(v) => {
            value.value = v;
          }}
        />
      )}
      <Actions>
        <button type="submit" class={props.warning ? "warning" : undefined}>
          {props.submitLabel}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {t("common.cancel")}
        </button>
      </Actions>
    </form>
  );
}

/** What the reader may do now, by their side in the exchange and where it stands. */
function Steps(props: { exchange: Exchange; onChange: (exchange: Exchange, message: string) => void }) {
  const x = props.exchange;
  const meId = selfId.value;
  const open = useSignal<"decline" | "cancel" | "complete" | "dispute" | undefined>(undefined);
  const problem = useSignal<string | undefined>(undefined);
  const mine = x.parties.filter((p) => p.memberId === meId);
  const provides = mine.some((p) => p.role === "provider");
  const receives = mine.some((p) => p.role === "receiver");
  const proposedByMe = x.proposedBy === meId;
  const acceptedByMe = x.acceptedBy.includes(meId);

  const send = async (body: Transition, message: string, key?: string): Promise<FormErrors> => {
    const { data, error } = await api.POST("/exchanges/{exchangeId}/transitions", {
      params: { path: { exchangeId: x.exchangeId } },
      body,
      ...(key ? { headers: { "idempotency-key": key } } : {}),
    });
    if (error) {
      problem.value = errorText(error.error);
      return formErrors(
        error.error,
        { reason: { id: `exchange-${body.action}`, text: t("exchange.reasonProblem") } },
        `exchange-${body.action}`,
      );
    }
    problem.value = undefined;
    open.value = undefined;
    props.onChange(data, message);
    void refreshUnread();
    return noErrors;
  };

  if (open.value === "decline" || open.value === "cancel" || open.value === "dispute") {
    const action = open.value;
    return (
      <StepForm
        id={`exchange-${action}`}
        title={t(`exchange.${action}Title`)}
        label={t(`exchange.${action}Label`)}
        hint={t(`exchange.${action}Hint`)}
        kind="reason"
        reasonRequired={action === "dispute"}
        submitLabel={t(`exchange.${action}`)}
        warning
        onSend={(reason) =>
          send(
            action === "dispute" ? { action, reason } : reason ? { action, reason } : { action },
            t(`exchange.${action}Done`),
          )
        }
        onCancel={() => {
          open.value = undefined;
        }}
      />
    );
  }
  if (open.value === "complete") {
    const agreed = x.legs.find((l) => l.providerId === meId)?.agreedMinutes ?? x.legs[0]?.agreedMinutes ?? 60;
    return (
      <StepForm
        id="exchange-complete"
        title={t("exchange.completeTitle")}
        label={t("exchange.completeLabel")}
        hint={t("exchange.completeHint")}
        kind="minutes"
        defaultMinutes={agreed}
        submitLabel={t("exchange.complete")}
        onSend={(minutes) =>
          send({ action: "complete", minutes: Number(minutes) }, t("exchange.completeDone"))
        }
        onCancel={() => {
          open.value = undefined;
        }}
      />
    );
  }

  const buttons: VNode[] = [];
  if (x.status === "proposed" && !proposedByMe && !acceptedByMe) {
    buttons.push(
      <button
        type="button"
        key="accept"
        onClick={() => void send({ action: "accept" }, t("exchange.acceptDone"))}
      >
        {t("exchange.accept")}
      </button>,
      <button
        type="button"
        key="decline"
        class="secondary"
        onClick={() => {
          open.value = "decline";
        }}
      >
        {t("exchange.decline")}
      </button>,
    );
  }
  if ((x.status === "proposed" && proposedByMe) || x.status === "accepted") {
    buttons.push(
      <button
        type="button"
        key="cancel"
        class="secondary"
        onClick={() => {
          open.value = "cancel";
        }}
      >
        {t("exchange.cancel")}
      </button>,
    );
  }
  if (x.status === "accepted" && provides) {
    buttons.unshift(
      <button
        type="button"
        key="complete"
        onClick={() => {
          open.value = "complete";
        }}
      >
        {t("exchange.completeOpen")}
      </button>,
    );
  }
  if (x.status === "completed" && receives && !x.confirmedBy.includes(meId)) {
    buttons.push(
      <button
        type="button"
        key="confirm"
        // One key per screen: a double tap or a retry confirms once, and credit moves once.
        onClick={() => void send({ action: "confirm" }, t("exchange.confirmDone"), confirmKey)}
      >
        {t("exchange.confirm")}
      </button>,
    );
  }
  if (x.status === "completed" && (receives || provides)) {
    buttons.push(
      <button
        type="button"
        key="dispute"
        class="secondary"
        onClick={() => {
          open.value = "dispute";
        }}
      >
        {t("exchange.dispute")}
      </button>,
    );
  }
  return (
    <>
      {problem.value ? <Problem message={problem.value} /> : null}
      {buttons.length ? <div class="actions">{buttons}</div> : null}
    </>
  );
}

const confirmKey = idempotencyKey();

/**
 * Each party's own account of a dispute, for the coordinator who decides (the parties read them
 * too); a party who has not given theirs yet may, once, while the exchange is disputed.
 */
function Statements(props: { exchange: Exchange; onChange: (exchange: Exchange, message: string) => void }) {
  const x = props.exchange;
  const meId = selfId.value;
  const text = useSignal("");
  const errors = useSignal<FormErrors>(noErrors);
  const given = x.statements ?? [];
  const mayGive =
    x.status === "disputed" &&
    x.parties.some((p) => p.memberId === meId) &&
    !given.some((s) => s.memberId === meId);
  if (!given.length && !mayGive) return null;
  const nameOf = (memberId: string) =>
    x.parties.find((p) => p.memberId === memberId)?.displayName ?? memberId;
  const submit = async (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (text.value.trim().length < 3) {
      const problem = t("exchange.statementProblem");
      errors.value = {
        problems: [{ id: "exchange-statement", text: problem }],
        byField: { "exchange-statement": problem },
      };
      return;
    }
    const { data, error } = await api.POST("/exchanges/{exchangeId}/statements", {
      params: { path: { exchangeId: x.exchangeId } },
      body: { text: text.value.trim() },
    });
    if (error) {
      errors.value = formErrors(
        error.error,
        { text: { id: "exchange-statement", text: t("exchange.statementProblem") } },
        "exchange-statement",
      );
      return;
    }
    errors.value = noErrors;
    props.onChange(data, t("exchange.statementDone"));
  };
  return (
    <section aria-labelledby="statements-title">
      <h2 id="statements-title">{t("exchange.statements")}</h2>
      {given.length ? (
        <ul class="statements">
          {given.map((s) => (
            <li key={s.memberId}>
              <blockquote class="quote">
                <p>
                  {s.by === s.memberId
                    ? t("staff.statementBy", { name: nameOf(s.memberId), date: formatDateTime(s.at) })
                    : t("staff.statementFor", { name: nameOf(s.memberId), date: formatDateTime(s.at) })}
                </p>
                <p class="user-text">{s.text}</p>
              </blockquote>
            </li>
          ))}
        </ul>
      ) : null}
      {mayGive ? (
        <form onSubmit={submit} noValidate class="step">
          <ErrorSummary problems={errors.value.problems} />
          <TextArea
            id="exchange-statement"
            label={t("exchange.statementLabel")}
            hint={t("exchange.statementHint")}
            rows={4}
            maxLength={2000}
            error={errors.value.byField["exchange-statement"]}
            value={text.value}
            onInput={(v) => {
              text.value = v;
            }}
          />
          <Actions>
            <button type="submit">{t("exchange.statementSend")}</button>
          </Actions>
        </form>
      ) : null}
    </section>
  );
}

function nextStepText(x: Exchange, meId: string): string {
  const mine = x.parties.filter((p) => p.memberId === meId);
  const provides = mine.some((p) => p.role === "provider");
  switch (x.status) {
    case "proposed":
      return x.proposedBy === meId || x.acceptedBy.includes(meId)
        ? t("exchange.nextWaitAccept")
        : t("exchange.nextAnswer");
    case "accepted":
      return provides ? t("exchange.nextDoIt") : t("exchange.nextWaitDone");
    case "completed":
      return provides ? t("exchange.nextWaitConfirm") : t("exchange.nextConfirm");
    case "disputed":
      return t("exchange.nextDisputed");
    case "settled":
      return t("exchange.nextSettled", { time: exchangeMinutes(x) });
    default:
      return t("exchange.nextClosed");
  }
}

export default function ExchangePage() {
  const { params } = useRoute();
  const { query } = useLocation();
  const exchangeId = params.exchangeId ?? "";
  const loaded = useResource(
    async () => unwrap(await api.GET("/exchanges/{exchangeId}", { params: { path: { exchangeId } } })),
    [exchangeId],
  );
  const current = useSignal<Exchange | undefined>(undefined);
  const message = useSignal<string | undefined>(query.proposed ? t("exchange.proposedDone") : undefined);
  const x = current.value?.exchangeId === exchangeId ? current.value : loaded.data;
  const meId = selfId.value;
  return (
    <Page title={x ? exchangeLine(x, meId) : t("exchange.title")}>
      {loaded.loading && !x ? <Loading /> : null}
      {loaded.error ? <Problem message={errorText(loaded.error)} retry={loaded.reload} /> : null}
      {message.value ? (
        <Done>
          <p>{message.value}</p>
        </Done>
      ) : null}
      {x ? (
        <>
          <p>
            <span class="status">{exchangeStatusText(x.status)}</span>
          </p>
          <p class="lead">{nextStepText(x, meId)}</p>
          <dl class="facts">
            <dt>{t("exchange.providers")}</dt>
            <dd>{names(x, "provider", meId)}</dd>
            <dt>{t("exchange.receivers")}</dt>
            <dd>{names(x, "receiver", meId)}</dd>
            <dt>{t("post.category")}</dt>
            <dd>{categoryName(x.category)}</dd>
            <dt>{t("exchange.time")}</dt>
            <dd>{exchangeMinutes(x)}</dd>
            {x.description ? (
              <>
                <dt>{t("exchange.about")}</dt>
                <dd class="user-text">{x.description}</dd>
              </>
            ) : null}
            {x.postId ? (
              <>
                <dt>{t("exchange.post")}</dt>
                <dd>
                  <a href={`/posts/${x.postId}`}>{t("exchange.postLink")}</a>
                </dd>
              </>
            ) : null}
            <dt>{t("exchange.conversation")}</dt>
            <dd>
              <a href={`/conversations/${x.exchangeId}`}>{t("exchange.conversationLink")}</a>
            </dd>
            <dt>{t("exchange.since")}</dt>
            <dd>{formatDateTime(x.statusAt)}</dd>
            {x.dispute ? (
              <>
                <dt>{t("exchange.disputeReason")}</dt>
                <dd class="user-text">{x.dispute.reason}</dd>
              </>
            ) : null}
            {x.statusReason ? (
              <>
                <dt>{t("exchange.reason")}</dt>
                <dd class="user-text">{x.statusReason}</dd>
              </>
            ) : null}
          </dl>
          <Statements
            exchange={x}
            onChange={(next, text) => {
              current.value = next;
              message.value = text;
            }}
          />
          <Steps
            exchange={x}
            onChange={(next, text) => {
              current.value = next;
              message.value = text;
            }}
          />
        </>
      ) : null}
    </Page>
  );
}
