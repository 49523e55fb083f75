import { useSignal } from "@preact/signals";
import type { TargetedEvent } from "preact";
import { api } from "../api/client.ts";
import { currentToken } from "../auth/session.ts";
import { formatDateTime } from "../i18n/format.ts";
import { t } from "../i18n/index.ts";
import { me, refreshMe } from "../state.ts";
import { download } from "../ui/download.ts";
import { Actions, ErrorSummary } from "../ui/fields.tsx";
import { Done, Loading, Page, Problem } from "../ui/page.tsx";
import { errorText, type FormErrors, noErrors } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import { DataArchive } from "./my-data-archive.tsx";

const accessActionKey = {
  read: "myData.accessRead",
  act: "myData.accessAct",
  export: "myData.accessExport",
} as const;

/** Export everything the time bank keeps about me, my statement as a spreadsheet, or close my account. */
export default function MyData() {
  const problem = useSignal<string | undefined>(undefined);
  const done = useSignal<string | undefined>(undefined);
  const understood = useSignal(false);
  const errors = useSignal<FormErrors>(noErrors);
  const today = new Date().toISOString().slice(0, 10);
  const accessLog = useResource(
    async () => unwrap(await api.GET("/me/access-log", { params: { query: { limit: 50 } } })),
    [],
  );
  const looks = accessLog.data?.items ?? [];
  const consent = me.value?.consent;

  const exportCsv = async () => {
    // CSV is not JSON: fetched plainly, with the same token.
    const response = await fetch("/api/me/statement.csv", {
      headers: { authorization: `Bearer ${currentToken() ?? ""}` },
    });
    if (!response.ok) {
      problem.value = t("error.unknown");
      return;
    }
    download(`mutua-statement-${today}.csv`, "text/csv", await response.text());
    done.value = t("myData.exported");
  };
  const close = async (e: TargetedEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!understood.value) {
      const text = t("myData.closeProblem");
      errors.value = { problems: [{ id: "close-understood", text }], byField: { "close-understood": text } };
      return;
    }
    const { error } = await api.POST("/me/close");
    if (error) {
      errors.value = { problems: [{ id: "close-understood", text: errorText(error.error) }], byField: {} };
      return;
    }
    await refreshMe();
  };

  return (
    <Page title={t("myData.title")}>
      {done.value ? (
        <Done>
          <p>{done.value}</p>
        </Done>
      ) : null}
      {problem.value ? <Problem message={problem.value} /> : null}
      <h2>{t("myData.exportTitle")}</h2>
      <p>{t("myData.exportText")}</p>
      <DataArchive />
      <h3>{t("myData.statementTitle")}</h3>
      <div class="actions">
        <button type="button" class="secondary" onClick={exportCsv}>
          {t("myData.exportCsv")}
        </button>
      </div>
      <h2>{t("myData.accessTitle")}</h2>
      <p>{t("myData.accessText")}</p>
      {accessLog.loading ? <Loading /> : null}
      {accessLog.error ? <Problem message={errorText(accessLog.error)} retry={accessLog.reload} /> : null}
      {accessLog.data && looks.length === 0 ? <p>{t("myData.accessEmpty")}</p> : null}
      {looks.length > 0 ? (
        <table>
          <caption class="visually-hidden">{t("myData.accessTitle")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("myData.accessWhen")}</th>
              <th scope="col">{t("myData.accessWho")}</th>
              <th scope="col">{t("myData.accessWhat")}</th>
            </tr>
          </thead>
          <tbody>
            {looks.map((look) => (
              <tr key={look.recordId}>
                <td>{formatDateTime(look.at)}</td>
                <td>{look.actorName}</td>
                <td>{t(accessActionKey[look.action])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {consent?.version ? (
        <>
          <h2>{t("consent.agreedTitle")}</h2>
          {consent.required ? (
            <p>
              <a href="/terms">{t("consent.open")}</a>
            </p>
          ) : consent.agreedVersion ? (
            <p>{t("consent.agreed", { version: consent.agreedVersion })}</p>
          ) : null}
        </>
      ) : null}
      <h2>{t("myData.closeTitle")}</h2>
      <p>{t("myData.closeText")}</p>
      <form onSubmit={close} noValidate>
        <ErrorSummary problems={errors.value.problems} />
        <div class={`field${errors.value.byField["close-understood"] ? " has-error" : ""}`}>
          {errors.value.byField["close-understood"] ? (
            <p class="field-error" id="close-understood-error">
              <span class="visually-hidden">{t("form.errorPrefix")} </span>
              {errors.value.byField["close-understood"]}
            </p>
          ) : null}
          <div class="choice">
            <input
              id="close-understood"
              type="checkbox"
              checked={understood.value}
              aria-describedby={
                errors.value.byField["close-understood"] ? "close-understood-error" : undefined
              }
              onChange={(e) => {
                understood.value = e.currentTarget.checked;
              }}
            />
            <label for="close-understood">{t("myData.closeLabel")}</label>
          </div>
        </div>
        <Actions>
          <button type="submit" class="warning">
            {t("myData.closeSubmit")}
          </button>
        </Actions>
      </form>
    </Page>
  );
}
