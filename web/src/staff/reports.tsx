import { useSignal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { api } from "../api/client.ts";
import type { Answer } from "../api/types.ts";
import { currentToken } from "../auth/session.ts";
import { formatDuration, formatMonth, formatNumber } from "../i18n/format.ts";
import { areaName, categoryName, t } from "../i18n/index.ts";
import { download } from "../ui/download.ts";
import { Actions, SelectField } from "../ui/fields.tsx";
import { Loading, Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import { areaOptions, firstArea, memberStatuses, StaffPage, statusText } from "./bits.tsx";
import { type Bar, BarChart, percent } from "./chart.tsx";

type Report = Answer<"/reports/ledger", "get">;

/** A chart and, beside it, the same figures as a table: the table is what screen readers read. */
function Figure(props: {
  id: string;
  title: string;
  bars: Bar[];
  head: string;
  children?: ComponentChildren;
}) {
  return (
    <section class="report-figure" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.children}
      {props.bars.length === 0 ? <p>{t("reports.nothing")}</p> : null}
      <div class="figure-pair" hidden={props.bars.length === 0}>
        <BarChart id={`${props.id}-chart`} bars={props.bars} />
        <div class="table-wrap">
          <table id={`${props.id}-table`}>
            <caption class="visually-hidden">{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{props.head}</th>
                <th scope="col" class="number">
                  {t("reports.value")}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.bars.map((b) => (
                <tr key={b.label}>
                  <th scope="row">{b.label}</th>
                  <td class="number" data-value={String(b.value)}>
                    {b.text}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}

const hours = (minutes: number): Bar["text"] => formatDuration(minutes);

function sumByArea(report: Report): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of report.months) {
    for (const [area, f] of Object.entries(m.byArea)) out[area] = (out[area] ?? 0) + f.minutesExchanged;
  }
  return out;
}

/** "2026-03" for the month `back` months before the current one. */
function monthBack(back: number): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 15));
  return d.toISOString().slice(0, 7);
}

function query(from: string, to: string, area: string) {
  return { from, to, ...(area ? { area } : {}) };
}

/**
 * Reports for a coordinator's city or area: members by status, hours exchanged per month, by
 * category and by area, the share who never traded, agency credits awarded and redeemed. Each is
 * a chart with its table; filters by months and area; the same figures as CSV; printable.
 */
export default function Reports() {
  const from = useSignal(monthBack(11));
  const to = useSignal(monthBack(0));
  const area = useSignal(firstArea());
  const report = useResource(
    async () =>
      unwrap(
        await api.GET("/reports/ledger", { params: { query: query(from.value, to.value, area.value) } }),
      ),
    [from.value, to.value, area.value],
  );
  const csvProblem = useSignal("");
  const downloadCsv = async () => {
    const params = new URLSearchParams(query(from.value, to.value, area.value));
    const response = await fetch(`/api/reports/ledger.csv?${params}`, {
      headers: { authorization: `Bearer ${currentToken() ?? ""}` },
    });
    if (!response.ok) {
      csvProblem.value = t("error.unknown");
      return;
    }
    csvProblem.value = "";
    download(
      `mutua-report-${area.value || "city"}-${from.value}-${to.value}.csv`,
      "text/csv",
      await response.text(),
    );
  };
  const r = report.data;
  const months = Array.from({ length: 24 }, (_, i) => monthBack(i));
  const monthOptions = months.map((m) => ({ value: m, label: formatMonth(`${m}-15T12:00:00Z`) }));
  return (
    <StaffPage title={t("staff.reportsTitle")} lead={t("staff.reportsLead")}>
      <search class="filters no-print">
        <SelectField
          id="report-from"
          label={t("reports.from")}
          value={from.value}
          onChange={(v) => {
            from.value = v;
          }}
          options={monthOptions}
        />
        <SelectField
          id="report-to"
          label={t("reports.to")}
          value={to.value}
          onChange={(v) => {
            to.value = v;
          }}
          options={monthOptions}
        />
        <SelectField
          id="report-area"
          label={t("staff.area")}
          value={area.value}
          onChange={(v) => {
            area.value = v;
          }}
          options={areaOptions(true)}
        />
      </search>
      <Actions>
        <button type="button" class="secondary no-print" onClick={() => void downloadCsv()}>
          {t("reports.csv")}
        </button>
        <button type="button" class="secondary no-print" onClick={() => window.print()}>
          {t("reports.print")}
        </button>
      </Actions>
      {csvProblem.value ? <Problem message={csvProblem.value} /> : null}
      {report.loading ? <Loading /> : null}
      {report.error ? <Problem message={errorText(report.error)} retry={report.reload} /> : null}
      {r ? (
        <>
          <p class="print-only">
            {t("reports.scope", {
              areas: r.areas.map(areaName).join(", "),
              from: formatMonth(`${r.from}-15T12:00:00Z`),
              to: formatMonth(`${r.to}-15T12:00:00Z`),
            })}
          </p>
          <Figure
            id="members"
            title={t("reports.membersByStatus")}
            head={t("staff.status")}
            bars={memberStatuses.map((s) => ({
              label: statusText(s),
              value: r.members.byStatus[s] ?? 0,
              text: formatNumber(r.members.byStatus[s] ?? 0),
            }))}
          />
          <Figure
            id="months"
            title={t("reports.hoursByMonth")}
            head={t("reports.month")}
            bars={r.months.map((m) => ({
              label: formatMonth(`${m.month}-15T12:00:00Z`),
              value: m.minutesExchanged,
              text: hours(m.minutesExchanged),
            }))}
          />
          <Figure
            id="categories"
            title={t("reports.hoursByCategory")}
            head={t("reports.category")}
            bars={Object.entries(r.totals.byCategory)
              .sort((a, b) => b[1] - a[1])
              .map(([c, minutes]) => ({ label: categoryName(c), value: minutes, text: hours(minutes) }))}
          />
          <Figure
            id="areas"
            title={t("reports.hoursByArea")}
            head={t("staff.area")}
            bars={Object.entries(sumByArea(r)).map(([a, minutes]) => ({
              label: areaName(a),
              value: minutes,
              text: hours(minutes),
            }))}
          />
          <Figure
            id="never"
            title={t("reports.neverTraded")}
            head={t("reports.members")}
            bars={[
              {
                label: t("reports.everTraded"),
                value: r.members.everExchanged,
                text: formatNumber(r.members.everExchanged),
              },
              {
                label: t("reports.notYet"),
                value: Math.max(0, r.members.active - r.members.everExchanged),
                text: formatNumber(Math.max(0, r.members.active - r.members.everExchanged)),
              },
            ]}
          >
            <p class="big-number">{percent(r.members.shareNeverExchanged)}</p>
            <p>{t("reports.neverLead", { share: percent(r.members.shareNeverExchanged) })}</p>
          </Figure>
          <Figure
            id="agency"
            title={t("reports.agency")}
            head={t("reports.organisation")}
            bars={r.organisations.flatMap((o) => [
              {
                label: t("reports.awardedBy", { name: o.displayName }),
                value: o.awardedMinutes,
                text: hours(o.awardedMinutes),
              },
              {
                label: t("reports.redeemedAt", { name: o.displayName }),
                value: o.redeemedMinutes,
                text: hours(o.redeemedMinutes),
              },
            ])}
          />
        </>
      ) : null}
    </StaffPage>
  );
}
