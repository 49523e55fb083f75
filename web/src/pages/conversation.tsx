import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { useRoute } from "preact-iso";
import { api } from "../api/client.ts";
import type { ConversationMessage } from "../api/types.ts";
import { formatDateTime } from "../i18n/format.ts";
import { categoryName, type MessageKey, t } from "../i18n/index.ts";
import { refreshUnread } from "../state.ts";
import { MessageText, newClientMessageId, withWhom } from "../ui/conversation-bits.tsx";
import { Actions, SelectField, TextArea } from "../ui/fields.tsx";
import { Done, Loading, Page, Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";

const MAX_LENGTH = 2000;
const reasons = ["harassment", "spam", "scam", "unsafe", "other"] as const;
type Reason = (typeof reasons)[number];

function Message(props: { message: ConversationMessage }) {
  const m = props.message;
  const who = m.fromYou ? t("conversation.you") : m.senderName;
  return (
    <li class={`message${m.fromYou ? " mine" : ""}`}>
      <p class="meta">
        <strong>{who}</strong>
        {m.via ? <> {t("conversation.via", { name: m.via })}</> : null} · {formatDateTime(m.createdAt)}
      </p>
      <MessageText message={m} />
    </li>
  );
}

/** Report the conversation: why, and a note for the coordinator. */
function ReportForm(props: { conversationId: string; onDone: () => void }) {
  const reason = useSignal<Reason>("harassment");
  const note = useSignal("");
  const problem = useSignal<string | undefined>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    const { error } = await api.POST("/conversations/{conversationId}/reports", {
      params: { path: { conversationId: props.conversationId } },
      body: { reason: reason.value, ...(note.value.trim() ? { note: note.value.trim() } : {}) },
    });
    if (error) problem.value = errorText(error.error);
    else props.onDone();
  };
  return (
    <form class="report-form" onSubmit={submit} noValidate>
      <h2>{t("conversation.reportTitle")}</h2>
      <p>{t("conversation.reportLead")}</p>
      {problem.value ? <Problem message={problem.value} /> : null}
      <SelectField
        id="report-reason"
        label={t("conversation.reportReason")}
        value={reason.value}
        onChange={(v) => {
          const found = reasons.find((r) => r === v);
          if (found) reason.value = found;
        }}
        options={reasons.map((r) => ({ value: r, label: t(`conversation.reason.${r}` as MessageKey) }))}
      />
      <TextArea
        id="report-note"
        label={t("conversation.reportNote")}
        optional
        value={note.value}
        maxLength={1000}
        onInput={(v) => {
          note.value = v;
        }}
      />
      <Actions>
        <button type="submit">{t("conversation.reportSend")}</button>
      </Actions>
    </form>
  );
}

/** One conversation: its messages (oldest at the top), a box to write, block and report. */
export default function ConversationPage() {
  const { params } = useRoute();
  const conversationId = params.conversationId ?? "";
  const older = useSignal<ConversationMessage[]>([]);
  const olderCursor = useSignal<string | undefined>(undefined);
  const sent = useSignal<ConversationMessage[]>([]);
  const draft = useSignal("");
  const clientId = useSignal(newClientMessageId());
  const sendProblem = useSignal<string | undefined>(undefined);
  const sending = useSignal(false);
  const reporting = useSignal(false);
  const notice = useSignal<MessageKey | undefined>(undefined);
  const page = useResource(
    async () =>
      unwrap(
        await api.GET("/conversations/{conversationId}/messages", {
          params: { path: { conversationId }, query: { limit: 20 } },
        }),
      ),
    [conversationId],
  );
  useEffect(() => {
    older.value = [];
    sent.value = [];
    olderCursor.value = undefined;
  }, [conversationId]);
  useEffect(() => {
    if (page.data) olderCursor.value = page.data.nextCursor;
    if (page.data?.conversation.readingAs === "party" && page.data.conversation.unread > 0) {
      void api
        .POST("/conversations/{conversationId}/read", { params: { path: { conversationId } } })
        .then(() => refreshUnread());
    }
  }, [page.data]);

  const loadOlder = async () => {
    const { data } = await api.GET("/conversations/{conversationId}/messages", {
      params: { path: { conversationId }, query: { limit: 20, cursor: olderCursor.value ?? "" } },
    });
    if (data) {
      older.value = [...older.value, ...data.items];
      olderCursor.value = data.nextCursor;
    }
  };

  const send = async (e: Event) => {
    e.preventDefault();
    const text = draft.value.trim();
    if (!text) {
      sendProblem.value = t("conversation.empty");
      return;
    }
    sending.value = true;
    const { data, error } = await api.POST("/conversations/{conversationId}/messages", {
      params: { path: { conversationId } },
      body: { clientMessageId: clientId.value, text },
    });
    sending.value = false;
    if (error) {
      sendProblem.value =
        error.error.code === "MESSAGE_LIMIT_REACHED" ? t("conversation.limit") : errorText(error.error);
      if (error.error.code === "RULE_VIOLATION") page.reload();
      return;
    }
    sendProblem.value = undefined;
    if (!sent.value.some((m) => m.messageId === data.messageId)) sent.value = [data, ...sent.value];
    draft.value = "";
    clientId.value = newClientMessageId();
  };

  const confirmingBlock = useSignal(false);
  const block = async () => {
    confirmingBlock.value = false;
    const { error } = await api.POST("/conversations/{conversationId}/block", {
      params: { path: { conversationId } },
      body: {},
    });
    if (error) sendProblem.value = errorText(error.error);
    else {
      notice.value = "conversation.blocked";
      page.reload();
    }
  };

  const c = page.data?.conversation;
  const shown = [...sent.value, ...(page.data?.items ?? []), ...older.value].filter(
    (m, i, all) => all.findIndex((x) => x.messageId === m.messageId) === i,
  );
  const oldestFirst = [...shown].reverse();
  const open = c?.status === "open" && c.readingAs === "party";
  return (
    <Page title={c ? t("conversation.with", { names: withWhom(c) }) : t("conversation.title")}>
      {page.loading && !page.data ? <Loading /> : null}
      {page.error ? <Problem message={errorText(page.error)} retry={page.reload} /> : null}
      {c ? (
        <>
          <p class="lead">
            {categoryName(c.category)} ·{" "}
            <a href={c.source === "exchange" ? `/exchanges/${conversationId}` : "/matches"}>
              {t(c.source === "exchange" ? "conversation.seeExchange" : "conversation.seeMatch")}
            </a>
          </p>
          {c.readingAs === "coordinator" ? <p>{t("conversation.asCoordinator")}</p> : null}
          <p class="hint">{t("conversation.privacy")}</p>
          {notice.value ? <Done>{t(notice.value)}</Done> : null}
          {olderCursor.value ? (
            <button type="button" class="secondary" onClick={() => void loadOlder()}>
              {t("conversation.older")}
            </button>
          ) : null}
          {!shown.length ? <p>{t("conversation.noMessages")}</p> : null}
          <ol class="messages" aria-label={t("conversation.messages")}>
            {oldestFirst.map((m) => (
              <Message key={m.messageId} message={m} />
            ))}
          </ol>
          {open ? (
            <form onSubmit={send} noValidate>
              <TextArea
                id="message-text"
                label={t("conversation.write")}
                hint={t("conversation.writeHint")}
                error={sendProblem.value}
                value={draft.value}
                maxLength={MAX_LENGTH}
                rows={3}
                onInput={(v) => {
                  draft.value = v;
                }}
              />
              <Actions>
                <button type="submit" disabled={sending.value}>
                  {t("conversation.send")}
                </button>
              </Actions>
            </form>
          ) : (
            <p>
              <span class="status">{t("conversation.closed")}</span>{" "}
              {c.blockedByYou ? t("conversation.closedByYou") : t("conversation.closedLead")}
            </p>
          )}
          {c.readingAs === "party" ? (
            <div class="actions">
              {!c.blockedByYou && !confirmingBlock.value ? (
                <button
                  type="button"
                  class="secondary"
                  onClick={() => {
                    confirmingBlock.value = true;
                  }}
                >
                  {t("conversation.block")}
                </button>
              ) : null}
              {confirmingBlock.value ? (
                <fieldset>
                  <legend>{t("conversation.blockConfirm")}</legend>
                  <button type="button" onClick={() => void block()}>
                    {t("conversation.blockYes")}
                  </button>{" "}
                  <button
                    type="button"
                    class="secondary"
                    onClick={() => {
                      confirmingBlock.value = false;
                    }}
                  >
                    {t("common.cancel")}
                  </button>
                </fieldset>
              ) : null}
              {!reporting.value && shown.some((m) => !m.fromYou) ? (
                <button
                  type="button"
                  class="secondary"
                  onClick={() => {
                    reporting.value = true;
                  }}
                >
                  {t("conversation.report")}
                </button>
              ) : null}
            </div>
          ) : null}
          {reporting.value ? (
            <ReportForm
              conversationId={conversationId}
              onDone={() => {
                reporting.value = false;
                notice.value = "conversation.reported";
              }}
            />
          ) : null}
        </>
      ) : null}
    </Page>
  );
}
