import { useSignal } from "@preact/signals";
import { api } from "../api/client.ts";
import type { StatementLine } from "../api/types.ts";
import { formatDate, formatDuration, formatMonth, formatMonthShort } from "../i18n/format.ts";
import { t } from "../i18n/index.ts";
import { Loading, Page, Problem } from "../ui/page.tsx";
import { errorText } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import { PendingRedemptions } from "./pending-redemptions.tsx";

interface Month {
  key: string;
  label: string;
  short: string;
  inMinutes: number;
  outMinutes: number;
}

/** Hours received and given per month, the last six months that had any movement. */
function byMonth(lines: readonly StatementLine[]): Month[] {
  const months = new Map<string, Month>();
  for (const line of lines) {
    const key = line.postedAt.slice(0, 7);
    const middle = `${key}-15T12:00:00Z`;
    const month = months.get(key) ?? {
      key,
      label: formatMonth(middle),
      short: formatMonthShort(middle),
      inMinutes: 0,
      outMinutes: 0,
    };
    if (line.amountMinutes >= 0) month.inMinutes += line.amountMinutes;
    else month.outMinutes -= line.amountMinutes;
    months.set(key, month);
  }
  return [...months.values()].sort((a, b) => a.key.localeCompare(b.key)).slice(-6);
}

/**
 * A small bar chart of the months, drawn as an image with a text alternative; the same figures are
 * in the table beside it, which is what screen readers read. Bars differ by pattern, not only colour.
 */
function MonthChart(props: { months: Month[] }) {
  const max = Math.max(60, ...props.months.flatMap((m) => [m.inMinutes, m.outMinutes]));
  const width = 320;
  const height = 160;
  const slot = width / Math.max(1, props.months.length);
  const bar = Math.min(28, slot / 3);
  const scale = (minutes: number) => (minutes / max) * (height - 30);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">{t("balance.chartTitle")}</title>
        <desc id="chart-desc">{t("balance.chartDesc")}</desc>
        <defs>
          <pattern
            id="hatch"
            width="6"
            height="6"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="6" height="6" class="bar-out" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2" />
          </pattern>
        </defs>
        <line class="axis" x1="0" y1={height - 20} x2={width} y2={height - 20} />
        {props.months.map((m, i) => {
          const x = i * slot + slot / 2;
          return (
            <g key={m.key}>
              <rect
                class="bar-in"
                x={x - bar - 1}
                y={height - 20 - scale(m.inMinutes)}
                width={bar}
                height={scale(m.inMinutes)}
              />
              <rect
                fill="url(#hatch)"
                x={x + 1}
                y={height - 20 - scale(m.outMinutes)}
                width={bar}
                height={scale(m.outMinutes)}
              />
              <text x={x} y={height - 5} text-anchor="middle">
                {m.short}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          <li>
            <span class="swatch in" aria-hidden="true" />
            {t("balance.legendIn")}
          </li>
          <li>
            <span class="swatch out" aria-hidden="true" />
            {t("balance.legendOut")}
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}

function kindText(line: StatementLine): string {
  return t(`statementKind.${line.kind}`);
}

/** Balance, limits, and the statement: a chart by month, the same figures as a table, and every line. */
export default function Balance() {
  // An approved redemption moves the balance: the figures and the statement read again.
  const tick = useSignal(0);
  const account = useResource(async () => unwrap(await api.GET("/me/account")), [tick.value]);
  const statement = useResource(async () => {
    // Oldest first; a few pages cover a resident's year.
    const lines: StatementLine[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 4; page++) {
      const data = unwrap(
        await api.GET("/me/statement", { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } } }),
      );
      lines.push(...data.items);
      cursor = data.nextCursor;
      if (!cursor) break;
    }
    return lines;
  }, [tick.value]);
  const a = account.data;
  const lines = statement.data ?? [];
  const months = byMonth(lines);
  return (
    <Page title={t("balance.title")}>
      <PendingRedemptions
        onDecided={() => {
          tick.value += 1;
        }}
      />
      {account.loading ? <Loading /> : null}
      {account.error ? <Problem message={errorText(account.error)} retry={account.reload} /> : null}
      {a ? (
        <>
          <p class="big-number">{formatDuration(a.balanceMinutes, "long")}</p>
          <p>
            {a.balanceMinutes >= 0
              ? t("balance.positive")
              : t("balance.negative", { limit: formatDuration(a.creditLimitMinutes, "long") })}
          </p>
          <dl class="facts">
            <dt>{t("balance.given")}</dt>
            <dd>{formatDuration(a.givenMinutes, "long")}</dd>
            <dt>{t("balance.received")}</dt>
            <dd>{formatDuration(a.receivedMinutes, "long")}</dd>
            <dt>{t("balance.available")}</dt>
            <dd>{formatDuration(a.availableMinutes, "long")}</dd>
          </dl>
          <p class="meta">{t("balance.memberNumber", { id: a.accountId })}</p>
        </>
      ) : null}
      <h2>{t("balance.monthsTitle")}</h2>
      {statement.loading ? <Loading /> : null}
      {statement.error ? <Problem message={errorText(statement.error)} retry={statement.reload} /> : null}
      {statement.data && !lines.length ? <p>{t("balance.none")}</p> : null}
      {months.length ? (
        <div class="chart-and-table">
          <MonthChart months={months} />
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a box that scrolls must be reachable by keyboard (WCAG 2.1.1) */}
          <section class="table-wrap" tabIndex={0} aria-labelledby="months-caption">
            <table>
              <caption id="months-caption">{t("balance.monthsCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("balance.month")}</th>
                  <th scope="col" class="number">
                    {t("balance.legendIn")}
                  </th>
                  <th scope="col" class="number">
                    {t("balance.legendOut")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {months.map((m) => (
                  <tr key={m.key}>
                    <th scope="row">{m.label}</th>
                    <td class="number">{formatDuration(m.inMinutes)}</td>
                    <td class="number">{formatDuration(m.outMinutes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      ) : null}
      {lines.length ? (
        <>
          <h2>{t("balance.statementTitle")}</h2>
          {/* On a phone the statement scrolls sideways inside its own box. */}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a box that scrolls must be reachable by keyboard (WCAG 2.1.1) */}
          <section class="table-wrap" tabIndex={0} aria-labelledby="statement-caption">
            <table>
              <caption id="statement-caption">{t("balance.statementCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("balance.date")}</th>
                  <th scope="col">{t("balance.what")}</th>
                  <th scope="col" class="number">
                    {t("balance.amount")}
                  </th>
                  <th scope="col" class="number">
                    {t("balance.after")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...lines].reverse().map((line) => (
                  <tr key={`${line.transferId}-${line.postedAt}`}>
                    <td>{formatDate(line.postedAt)}</td>
                    <td>
                      {kindText(line)} · <span class="user-text">{line.counterpartyName}</span>
                      {line.memo ? (
                        <>
                          {" · "}
                          <span class="user-text">{line.memo}</span>
                        </>
                      ) : null}
                    </td>
                    <td class="number">
                      {line.amountMinutes >= 0 ? "+" : ""}
                      {formatDuration(line.amountMinutes)}
                    </td>
                    <td class="number">{formatDuration(line.balanceAfterMinutes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      ) : null}
    </Page>
  );
}
