import { useSignal } from "@preact/signals";
import { useRoute } from "preact-iso";
import { api, idempotencyKey } from "../api/client.ts";
import type { Answer, StatementLine } from "../api/types.ts";
import { city } from "../config.ts";
import { formatDate, formatDateTime, formatDuration } from "../i18n/format.ts";
import { categoryName, type MessageKey, t } from "../i18n/index.ts";
import NotFound from "../pages/not-found.tsx";
import { Actions, ErrorSummary, SelectField, TextArea, TextInput } from "../ui/fields.tsx";
import { Done, Loading, Page, Problem } from "../ui/page.tsx";
import { errorText, type FormErrors, formErrors, noErrors } from "../ui/problems.ts";
import { unwrap, useResource } from "../ui/resource.ts";
import { onBehalfOf } from "./bits.tsx";

const hoursToMinutes = (hours: string) => Math.round(Number(hours.replace(",", ".")) * 60);

interface Row {
  memberId: string;
  hours: string;
}

/**
 * Credits for volunteers, all in one transfer. The request carries one key from the first click
 * until it succeeds (or the form changes), so a double click or a retry pays each volunteer once.
 */
function AwardForm(props: { orgId: string; onAwarded: () => void }) {
  const rows = useSignal<Row[]>([{ memberId: "", hours: "" }]);
  const memo = useSignal("");
  const errors = useSignal<FormErrors>(noErrors);
  const busy = useSignal(false);
  const done = useSignal("");
  const key = useSignal(idempotencyKey());
  const edit = (i: number, change: Partial<Row>) => {
    rows.value = rows.value.map((r, j) => (i === j ? { ...r, ...change } : r));
    key.value = idempotencyKey();
    done.value = "";
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const filled = rows.value.filter((r) => r.memberId.trim() || r.hours.trim());
    busy.value = true;
    const result = await api.POST("/organisations/{memberId}/awards", {
      params: { path: { memberId: props.orgId }, header: { "Idempotency-Key": key.value } },
      body: {
        volunteers: filled.map((r) => ({ memberId: r.memberId.trim(), minutes: hoursToMinutes(r.hours) })),
        ...(memo.value.trim() ? { memo: memo.value } : {}),
      },
    });
    busy.value = false;
    if (result.error || !result.data) {
      const fields: Record<string, { id: string; text: string }> = {
        memo: { id: "award-memo", text: t("org.memoError") },
        volunteers: { id: "volunteer-0", text: t("org.volunteersError") },
      };
      filled.forEach((_, i) => {
        fields[`volunteers.${i}.memberId`] = { id: `volunteer-${i}`, text: t("org.volunteerError") };
        fields[`volunteers.${i}.minutes`] = { id: `hours-${i}`, text: t("org.hoursError") };
      });
      const error = result.error?.error ?? { code: "NETWORK", message: "" };
      errors.value =
        error.code === "LIMIT_EXCEEDED"
          ? { problems: [{ id: "volunteer-0", text: t("org.quotaError") }], byField: {} }
          : error.code === "NOT_FOUND"
            ? { problems: [{ id: "volunteer-0", text: t("org.unknownVolunteer") }], byField: {} }
            : formErrors(error, fields, "volunteer-0");
      return;
    }
    errors.value = noErrors;
    done.value = t("org.awarded", {
      count: result.data.legs.length,
      total: formatDuration(result.data.totalMinutes, "long"),
    });
    rows.value = [{ memberId: "", hours: "" }];
    memo.value = "";
    key.value = idempotencyKey();
    props.onAwarded();
  };
  return (
    <section aria-labelledby="award-title">
      <h2 id="award-title">{t("org.awardTitle")}</h2>
      <p>{t("org.awardLead")}</p>
      <form onSubmit={submit} noValidate>
        <ErrorSummary problems={errors.value.problems} />
        {rows.value.map((row, i) => (
          <fieldset class="volunteer" key={i}>
            <legend>{t("org.volunteer", { n: i + 1 })}</legend>
            <TextInput
              id={`volunteer-${i}`}
              label={t("org.memberNumber")}
              hint={i === 0 ? t("org.memberNumberHint") : undefined}
              value={row.memberId}
              error={errors.value.byField[`volunteer-${i}`]}
              onInput={(v) => edit(i, { memberId: v })}
            />
            <TextInput
              id={`hours-${i}`}
              label={t("org.hours")}
              inputMode="decimal"
              width="short"
              value={row.hours}
              error={errors.value.byField[`hours-${i}`]}
              onInput={(v) => edit(i, { hours: v })}
            />
          </fieldset>
        ))}
        <p>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              rows.value = [...rows.value, { memberId: "", hours: "" }];
              key.value = idempotencyKey();
            }}
          >
            {t("org.addVolunteer")}
          </button>
        </p>
        <TextArea
          id="award-memo"
          label={t("org.memo")}
          optional
          rows={2}
          value={memo.value}
          error={errors.value.byField["award-memo"]}
          onInput={(v) => {
            memo.value = v;
            key.value = idempotencyKey();
          }}
        />
        <Actions>
          <button type="submit" disabled={busy.value}>
            {t("org.awardSend")}
          </button>
        </Actions>
        {done.value ? <Done>{done.value}</Done> : null}
      </form>
    </section>
  );
}

type Activity = Answer<"/activities", "get">["items"][number];
type Recorded = Answer<"/organisations/{memberId}/redemption-requests", "get">["items"][number];

/**
 * At the counter: the venue records what a member is about to spend (the member number they show
 * from their "My hours" page, the activity, the places). Nothing moves until the member approves
 * it; a recording the member could not pay now is refused in words, with nothing written. One key
 * from the first click until an answer, so a double click records once.
 */
function RecordForm(props: { orgId: string; activities: Activity[]; onRecorded: () => void }) {
  const member = useSignal("");
  const activityId = useSignal("");
  const places = useSignal("1");
  const errors = useSignal<FormErrors>(noErrors);
  const busy = useSignal(false);
  const done = useSignal("");
  const key = useSignal(idempotencyKey());
  const changed = () => {
    key.value = idempotencyKey();
    done.value = "";
  };
  const chosen = activityId.value || props.activities[0]?.activityId || "";
  const submit = async (e: Event) => {
    e.preventDefault();
    const count = Number(places.value);
    if (!member.value.trim() || !Number.isInteger(count) || count < 1 || count > 10) {
      const problems = [
        ...(!member.value.trim() ? [{ id: "counter-member", text: t("org.counterMemberError") }] : []),
        ...(!Number.isInteger(count) || count < 1 || count > 10
          ? [{ id: "counter-places", text: t("org.counterPlacesError") }]
          : []),
      ];
      errors.value = { problems, byField: Object.fromEntries(problems.map((p) => [p.id, p.text])) };
      return;
    }
    busy.value = true;
    const result = await api.POST("/organisations/{memberId}/redemption-requests", {
      params: { path: { memberId: props.orgId }, header: { "Idempotency-Key": key.value } },
      body: { memberId: member.value.trim(), activityId: chosen, places: count },
    });
    busy.value = false;
    if (result.error || !result.data) {
      const error = result.error?.error ?? { code: "NETWORK", message: "" };
      const general = (text: string) => ({ problems: [{ id: "counter-member", text }], byField: {} });
      errors.value =
        error.code === "LIMIT_EXCEEDED"
          ? general(t("org.counterNotEnough"))
          : error.code === "ACCOUNT_FROZEN"
            ? general(t("org.counterFrozen"))
            : error.code === "SELF_DEALING"
              ? general(t("org.counterSelf"))
              : formErrors(
                  error,
                  {
                    memberId: { id: "counter-member", text: t("org.counterUnknown") },
                    activityId: { id: "counter-activity", text: t("org.counterActivityError") },
                    places: { id: "counter-places", text: t("org.counterPlacesError") },
                  },
                  "counter-member",
                );
      // A refusal is an answer: trying again is a new request.
      key.value = idempotencyKey();
      return;
    }
    errors.value = noErrors;
    done.value = t("org.counterRecorded", {
      name: result.data.memberName,
      amount: formatDuration(result.data.minutes, "long"),
    });
    member.value = "";
    places.value = "1";
    key.value = idempotencyKey();
    props.onRecorded();
  };
  return (
    <section aria-labelledby="counter-title">
      <h2 id="counter-title">{t("org.counterTitle")}</h2>
      <p>{t("org.counterLead")}</p>
      {!props.activities.length ? (
        <p>{t("org.counterNoActivities")}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <ErrorSummary problems={errors.value.problems} />
          <TextInput
            id="counter-member"
            label={t("org.memberNumber")}
            hint={t("org.counterMemberHint")}
            value={member.value}
            error={errors.value.byField["counter-member"]}
            onInput={(v) => {
              member.value = v;
              changed();
            }}
          />
          <SelectField
            id="counter-activity"
            label={t("org.counterActivity")}
            value={chosen}
            error={errors.value.byField["counter-activity"]}
            onChange={(v) => {
              activityId.value = v;
              changed();
            }}
            options={props.activities.map((a) => ({
              value: a.activityId,
              label: `${a.title} (${formatDuration(a.minutes, "long")})`,
            }))}
          />
          <TextInput
            id="counter-places"
            label={t("org.counterPlaces")}
            inputMode="numeric"
            width="short"
            value={places.value}
            error={errors.value.byField["counter-places"]}
            onInput={(v) => {
              places.value = v;
              changed();
            }}
          />
          <Actions>
            <button type="submit" disabled={busy.value}>
              {t("org.counterSend")}
            </button>
          </Actions>
          {done.value ? <Done>{done.value}</Done> : null}
        </form>
      )}
    </section>
  );
}

function statusText(r: Recorded): string {
  return t(`org.counterStatus.${r.status}` as MessageKey);
}

function PublishForm(props: { orgId: string; onPublished: () => void }) {
  const title = useSignal("");
  const hours = useSignal("");
  const category = useSignal("");
  const description = useSignal("");
  const errors = useSignal<FormErrors>(noErrors);
  const done = useSignal(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const result = await api.POST("/organisations/{memberId}/activities", {
      params: { path: { memberId: props.orgId } },
      body: {
        title: title.value,
        minutes: hoursToMinutes(hours.value),
        ...(category.value ? { category: category.value } : {}),
        ...(description.value.trim() ? { description: description.value } : {}),
      },
    });
    if (result.error) {
      errors.value = formErrors(
        result.error.error,
        {
          title: { id: "activity-title", text: t("org.titleError") },
          minutes: { id: "activity-hours", text: t("org.hoursError") },
          description: { id: "activity-description", text: t("org.memoError") },
        },
        "activity-title",
      );
      return;
    }
    errors.value = noErrors;
    done.value = true;
    title.value = "";
    hours.value = "";
    description.value = "";
    props.onPublished();
  };
  return (
    <form onSubmit={submit} noValidate>
      <h3>{t("org.publishTitle")}</h3>
      <ErrorSummary problems={errors.value.problems} />
      <TextInput
        id="activity-title"
        label={t("org.activityTitle")}
        maxLength={120}
        value={title.value}
        error={errors.value.byField["activity-title"]}
        onInput={(v) => {
          title.value = v;
          done.value = false;
        }}
      />
      <TextInput
        id="activity-hours"
        label={t("org.price")}
        inputMode="decimal"
        width="short"
        value={hours.value}
        error={errors.value.byField["activity-hours"]}
        onInput={(v) => {
          hours.value = v;
        }}
      />
      <SelectField
        id="activity-category"
        label={t("org.category")}
        optional
        value={category.value}
        onChange={(v) => {
          category.value = v;
        }}
        options={[
          { value: "", label: t("org.noCategory") },
          ...city().skills.map((s) => ({ value: s.id, label: categoryName(s.id) })),
        ]}
      />
      <TextArea
        id="activity-description"
        label={t("org.activityDescription")}
        optional
        rows={2}
        value={description.value}
        error={errors.value.byField["activity-description"]}
        onInput={(v) => {
          description.value = v;
        }}
      />
      <Actions>
        <button type="submit">{t("org.publishSend")}</button>
      </Actions>
      {done.value ? <Done>{t("org.published")}</Done> : null}
    </form>
  );
}

function kindText(line: StatementLine): string {
  return t(`statementKind.${line.kind}` as MessageKey);
}

/** Lines of today, in the city's time zone. */
function isToday(iso: string): boolean {
  const day = (d: Date) => d.toLocaleDateString("en-CA", { timeZone: city().timezone });
  return day(new Date(iso)) === day(new Date());
}

/**
 * An organisation's tools, for its admins: award credits to volunteers, publish activities that
 * accept credits, today's redemptions at the door, and the statement (printable). Anyone else
 * finds nothing here, as the API answers.
 */
export default function Organisation() {
  const { params } = useRoute();
  const orgId = params.orgId ?? "";
  const tick = useSignal(0);
  const data = useResource(async () => {
    const header = onBehalfOf(orgId);
    const account = unwrap(await api.GET("/me/account", { params: { header } }));
    const profile = unwrap(await api.GET("/members/{memberId}", { params: { path: { memberId: orgId } } }));
    const lines: StatementLine[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 4; page++) {
      const s = unwrap(
        await api.GET("/me/statement", {
          params: { header, query: { limit: 50, ...(cursor ? { cursor } : {}) } },
        }),
      );
      lines.push(...s.items);
      cursor = s.nextCursor;
      if (!cursor) break;
    }
    const activities = unwrap(await api.GET("/activities", { params: { query: { limit: 50 } } }));
    const recorded = unwrap(
      await api.GET("/organisations/{memberId}/redemption-requests", {
        params: { path: { memberId: orgId }, query: { limit: 50 } },
      }),
    );
    return {
      account,
      name: profile.displayName,
      lines,
      activities: activities.items.filter((a) => a.venueId === orgId),
      recorded: recorded.items,
    };
  }, [orgId, tick.value]);
  if (data.error?.code === "NOT_FOUND") return <NotFound />;
  const d = data.data;
  // The members' own spends of the day; those approved from a recording show with the recording.
  const fromRecording = new Set((d?.recorded ?? []).flatMap((r) => (r.transferId ? [r.transferId] : [])));
  const today = (d?.lines ?? []).filter(
    (l) => l.kind === "redemption" && isToday(l.postedAt) && !fromRecording.has(l.transferId),
  );
  const reload = () => {
    tick.value += 1;
  };
  return (
    <Page title={d?.name ?? t("org.title")} lead={t("org.lead")}>
      {data.loading && !d ? <Loading /> : null}
      {data.error ? <Problem message={errorText(data.error)} retry={data.reload} /> : null}
      {d ? (
        <>
          <dl class="facts">
            <dt>{t("balance.title")}</dt>
            <dd>{formatDuration(d.account.balanceMinutes, "long")}</dd>
            <dt>{t("org.quotaLeft")}</dt>
            <dd>{formatDuration(d.account.availableMinutes, "long")}</dd>
          </dl>
          <div class="no-print">
            <RecordForm orgId={orgId} activities={d.activities} onRecorded={reload} />
            <AwardForm orgId={orgId} onAwarded={reload} />
            <section aria-labelledby="activities-title">
              <h2 id="activities-title">{t("org.activitiesTitle")}</h2>
              {!d.activities.length ? <p>{t("org.noActivities")}</p> : null}
              <ul class="items">
                {d.activities.map((a) => (
                  <li class="item" key={a.activityId}>
                    <h3>{a.title}</h3>
                    <p class="meta">
                      {formatDuration(a.minutes, "long")} · {formatDate(a.createdAt)}
                    </p>
                  </li>
                ))}
              </ul>
              <PublishForm orgId={orgId} onPublished={reload} />
            </section>
            <section aria-labelledby="today-title">
              <h2 id="today-title">{t("org.todayTitle")}</h2>
              {!today.length && !d.recorded.length ? <p>{t("org.todayNone")}</p> : null}
              <p>
                <button type="button" class="secondary" onClick={reload}>
                  {t("org.counterRefresh")}
                </button>
              </p>
              <ul class="items">
                {d.recorded.map((r) => (
                  <li class="item" key={r.requestId}>
                    <p>
                      <strong>{r.memberName}</strong> · {r.activityTitle} ·{" "}
                      {formatDuration(r.minutes, "long")}
                    </p>
                    <p class="meta">
                      <span class={`status status-${r.status}`}>{statusText(r)}</span> ·{" "}
                      {formatDateTime(r.decidedAt ?? r.createdAt)}
                    </p>
                  </li>
                ))}
                {today.map((l) => (
                  <li class="item" key={l.transferId}>
                    <p>
                      <strong>{l.counterpartyName}</strong> · {formatDuration(l.amountMinutes, "long")}
                    </p>
                    <p class="meta">{formatDateTime(l.postedAt)}</p>
                  </li>
                ))}
              </ul>
            </section>
          </div>
          <section aria-labelledby="statement-title" class="printable">
            <h2 id="statement-title">{t("org.statementTitle")}</h2>
            <p class="no-print">
              <button type="button" class="secondary" onClick={() => window.print()}>
                {t("org.print")}
              </button>
            </p>
            <div class="table-wrap">
              <table>
                <caption>{t("org.statementCaption", { name: d.name })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("balance.date")}</th>
                    <th scope="col">{t("org.what")}</th>
                    <th scope="col">{t("org.who")}</th>
                    <th scope="col" class="number">
                      {t("org.amount")}
                    </th>
                    <th scope="col" class="number">
                      {t("org.after")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.lines.map((l) => (
                    <tr key={l.transferId}>
                      <td>{formatDate(l.postedAt)}</td>
                      <td>{kindText(l)}</td>
                      <td>{l.counterpartyName}</td>
                      <td class="number">{formatDuration(l.amountMinutes)}</td>
                      <td class="number">{formatDuration(l.balanceAfterMinutes)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      ) : null}
    </Page>
  );
}
