import type { Deps } from "#domain/deps.ts";
import { toCsv } from "#domain/kernel/csv.ts";
import { ForbiddenError, ValidationError } from "#domain/kernel/errors.ts";
import { coordinatesArea, type Member, memberStatuses } from "#domain/membership/member.ts";
import { requireArea, requireCoordinator } from "#domain/membership/members.ts";
import * as z from "#shared/zod.ts";
import { monthOf, POT_ACCOUNT_ID, type Transfer, type TransferKind } from "./books.ts";
import type { ReportIncrement } from "./ports.ts";

/**
 * Coordinator and funder reports on the ledger, read from monthly aggregates that the
 * ledger-reports stream consumer keeps as transfers are written (never by scanning journals).
 * Items of month M (partition `REPORT#M`):
 *   AREA#<area>               exchanges, exchangedMinutes, reversals, activeMembers
 *   CAT#<area>#<category>     exchanges, minutes
 *   ORG#<organisationId>      awards, awardedMinutes, volunteersAwarded, redemptions, redeemedMinutes
 *   POT                       donatedMinutes, grantedMinutes, writtenOffMinutes
 * and in `REPORT#ALLTIME`: AREA#<area> everExchanged (members who ever took part in an exchange).
 */
export const ALL_TIME = "ALLTIME";
const MAX_REPORT_MONTHS = 24;

/** What one transfer adds to its month's aggregates (reversals subtract what they undo). */
export function reportIncrementsFor(transfer: Transfer): ReportIncrement[] {
  const reversal = transfer.kind === "reversal";
  const kind: TransferKind | undefined = reversal ? transfer.reversedKind : transfer.kind;
  const sign = reversal ? -1 : 1;
  const total = sign * transfer.totalMinutes;
  const area = transfer.area ?? "unknown";
  const firstLeg = transfer.legs[0];
  switch (kind) {
    case "exchange":
      return [
        {
          sk: `AREA#${area}`,
          adds: reversal
            ? { exchangedMinutes: total, reversals: 1 }
            : { exchangedMinutes: total, exchanges: 1 },
        },
        {
          sk: `CAT#${area}#${transfer.category ?? "uncategorised"}`,
          adds: reversal ? { minutes: total } : { minutes: total, exchanges: 1 },
        },
      ];
    case "award": {
      if (!firstLeg) return [];
      const org = reversal ? firstLeg.toAccountId : firstLeg.fromAccountId;
      return [
        {
          sk: `ORG#${org}`,
          adds: reversal
            ? { awardedMinutes: total }
            : { awardedMinutes: total, awards: 1, volunteersAwarded: transfer.legs.length },
          labels: { area },
        },
      ];
    }
    case "redemption": {
      if (!firstLeg) return [];
      const venue = reversal ? firstLeg.fromAccountId : firstLeg.toAccountId;
      return [
        {
          sk: `ORG#${venue}`,
          adds: reversal ? { redeemedMinutes: total } : { redeemedMinutes: total, redemptions: 1 },
          labels: { area },
        },
      ];
    }
    case "donation":
      return [{ sk: "POT", adds: { donatedMinutes: total } }];
    case "grant":
      return [{ sk: "POT", adds: { grantedMinutes: total } }];
    case "closing": {
      // A closed account's credit given to the pot counts as donated; its debt as written off.
      const toPot = transfer.legs.filter((l) => l.toAccountId === POT_ACCOUNT_ID);
      const fromPot = transfer.legs.filter((l) => l.fromAccountId === POT_ACCOUNT_ID);
      return [
        {
          sk: "POT",
          adds: {
            donatedMinutes: sign * toPot.reduce((sum, l) => sum + l.minutes, 0),
            writtenOffMinutes: sign * fromPot.reduce((sum, l) => sum + l.minutes, 0),
          },
        },
      ];
    }
    default:
      return [];
  }
}

/** The members who took part in an exchange transfer (reports count them as active). */
export function exchangeParticipants(transfer: Transfer): string[] {
  if (transfer.kind !== "exchange") return [];
  const ids = transfer.legs.flatMap((l) => [l.fromAccountId, l.toAccountId]);
  return [...new Set(ids)].filter((id) => id !== POT_ACCOUNT_ID);
}

/**
 * Records one newly written transfer in the report aggregates, once (the stream consumer's work).
 */
export async function recordTransferInReports(
  deps: Pick<Deps, "ledgerReports" | "members" | "city">,
  transfer: Transfer,
): Promise<void> {
  const month = monthOf(transfer.postedAt, deps.city.timezone);
  await deps.ledgerReports.applyTransfer(transfer.transferId, month, reportIncrementsFor(transfer));
  for (const memberId of exchangeParticipants(transfer)) {
    const member = await deps.members.get(memberId);
    await deps.ledgerReports.markParticipant(month, memberId, member?.area ?? transfer.area ?? "unknown");
  }
}

const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;
export const reportQuerySchema = z.strictObject({
  from: z.optional(z.string().check(z.regex(monthPattern, "must be a month like 2025-01"))),
  to: z.optional(z.string().check(z.regex(monthPattern, "must be a month like 2025-12"))),
  /** One area of the caller's scope; without it, every area in scope. */
  area: z.optional(z.string().check(z.maxLength(60))),
});

const areaFigures = z.object({ exchanges: z.int(), minutesExchanged: z.int(), activeMembers: z.int() });

export const ledgerReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** The areas this report covers: the coordinator's scope. */
  areas: z.array(z.string()),
  months: z.array(
    z.object({
      month: z.string(),
      exchanges: z.int(),
      minutesExchanged: z.int(),
      /** Members who took part in at least one exchange that month. */
      activeMembers: z.int(),
      byCategory: z.record(z.string(), z.int()),
      byArea: z.record(z.string(), areaFigures),
    }),
  ),
  totals: z.object({
    exchanges: z.int(),
    minutesExchanged: z.int(),
    byCategory: z.record(z.string(), z.int()),
  }),
  /**
   * Today's active members in scope, how many ever exchanged, the share who never did, and today's
   * members by status (waiting to join, active, declined, suspended, closed).
   */
  members: z.object({
    active: z.int(),
    everExchanged: z.int(),
    shareNeverExchanged: z.number(),
    byStatus: z.record(z.enum(memberStatuses), z.int()),
  }),
  organisations: z.array(
    z.object({
      memberId: z.string(),
      displayName: z.string(),
      area: z.string(),
      awards: z.int(),
      awardedMinutes: z.int(),
      volunteersAwarded: z.int(),
      redemptions: z.int(),
      redeemedMinutes: z.int(),
    }),
  ),
  pot: z.object({
    donatedMinutes: z.int(),
    grantedMinutes: z.int(),
    /** Debts of closed accounts the pot wrote off (their credit, when positive, counts as donated). */
    writtenOffMinutes: z.int(),
  }),
});
export type LedgerReport = z.infer<typeof ledgerReportSchema>;

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [year, month] = from.split("-").map(Number) as [number, number];
  while (out.length <= MAX_REPORT_MONTHS) {
    const label = `${year}-${String(month).padStart(2, "0")}`;
    out.push(label);
    if (label === to) return out;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return out;
}

/**
 * The ledger report for a coordinator's areas over a range of months (default: the last 12).
 * @throws ForbiddenError for non-coordinators; ValidationError for a range that is reversed or
 * longer than 24 months.
 */
export async function ledgerReport(
  deps: Pick<Deps, "ledgerReports" | "members" | "city" | "clock">,
  actor: Member,
  query: z.infer<typeof reportQuerySchema>,
): Promise<LedgerReport> {
  requireCoordinator(actor);
  const current = monthOf(deps.clock.now(), deps.city.timezone);
  const to = query.to ?? current;
  const [ty = 0, tm = 1] = to.split("-").map(Number);
  const defaultFrom = `${tm === 12 ? ty : ty - 1}-${String((tm % 12) + 1).padStart(2, "0")}`;
  const from = query.from ?? defaultFrom;
  if (from > to)
    throw new ValidationError("from is after to", [{ path: "query.from", message: "Must not be after to" }]);
  const months = monthsBetween(from, to);
  if (months.length > MAX_REPORT_MONTHS) {
    throw new ValidationError("At most 24 months", [
      { path: "query.from", message: "A report covers at most 24 months" },
    ]);
  }
  if (query.area !== undefined) {
    requireArea(deps.city, query.area, "query.area");
    if (!coordinatesArea(actor, query.area)) throw new ForbiddenError("That area is outside your scope");
  }
  const scope = deps.city.areas.map((a) => a.id).filter((id) => coordinatesArea(actor, id));
  const areas = query.area === undefined ? scope : [query.area];
  const inScope = new Set(areas);
  // The pot is the whole city's: it shows only in a report of every area.
  const cityWide = areas.length === deps.city.areas.length;

  const byMonth = await Promise.all(months.map((m) => deps.ledgerReports.readMonth(m)));
  const organisations = new Map<string, LedgerReport["organisations"][number]>();
  const totals = { exchanges: 0, minutesExchanged: 0, byCategory: {} as Record<string, number> };
  const pot = { donatedMinutes: 0, grantedMinutes: 0, writtenOffMinutes: 0 };
  const monthRows = months.map((month, i) => {
    const row = {
      month,
      exchanges: 0,
      minutesExchanged: 0,
      activeMembers: 0,
      byCategory: {} as Record<string, number>,
      byArea: {} as Record<string, z.infer<typeof areaFigures>>,
    };
    for (const item of byMonth[i] ?? []) {
      const [type, first = "", second = ""] = item.sk.split("#");
      const n = (name: string) => item.numbers[name] ?? 0;
      if (type === "AREA" && inScope.has(first)) {
        row.exchanges += n("exchanges");
        row.minutesExchanged += n("exchangedMinutes");
        row.activeMembers += n("activeMembers");
        row.byArea[first] = {
          exchanges: n("exchanges"),
          minutesExchanged: n("exchangedMinutes"),
          activeMembers: n("activeMembers"),
        };
      } else if (type === "CAT" && inScope.has(first)) {
        row.byCategory[second] = (row.byCategory[second] ?? 0) + n("minutes");
        totals.byCategory[second] = (totals.byCategory[second] ?? 0) + n("minutes");
      } else if (type === "ORG" && inScope.has(item.labels.area ?? "")) {
        const org = organisations.get(first) ?? {
          memberId: first,
          displayName: first,
          area: item.labels.area ?? "",
          awards: 0,
          awardedMinutes: 0,
          volunteersAwarded: 0,
          redemptions: 0,
          redeemedMinutes: 0,
        };
        org.awards += n("awards");
        org.awardedMinutes += n("awardedMinutes");
        org.volunteersAwarded += n("volunteersAwarded");
        org.redemptions += n("redemptions");
        org.redeemedMinutes += n("redeemedMinutes");
        organisations.set(first, org);
      } else if (type === "POT" && cityWide) {
        pot.donatedMinutes += n("donatedMinutes");
        pot.grantedMinutes += n("grantedMinutes");
        pot.writtenOffMinutes += n("writtenOffMinutes");
      }
    }
    totals.exchanges += row.exchanges;
    totals.minutesExchanged += row.minutesExchanged;
    return row;
  });

  const allTime = await deps.ledgerReports.readMonth(ALL_TIME);
  const everExchanged = allTime
    .filter((item) => item.sk.startsWith("AREA#") && inScope.has(item.sk.slice(5)))
    .reduce((sum, item) => sum + (item.numbers.everExchanged ?? 0), 0);
  const byStatus = Object.fromEntries(
    await Promise.all(
      memberStatuses.map(async (status) => {
        const counts = await Promise.all(areas.map((area) => deps.members.countByStatus(status, area)));
        return [status, counts.reduce((a, b) => a + b, 0)] as const;
      }),
    ),
  ) as Record<(typeof memberStatuses)[number], number>;
  const active = byStatus.active;
  const orgs = [...organisations.values()];
  const named = await Promise.all(orgs.map((o) => deps.members.get(o.memberId)));
  orgs.forEach((o, i) => {
    o.displayName = named[i]?.displayName ?? o.memberId;
  });
  return {
    from,
    to,
    areas,
    months: monthRows,
    totals,
    members: {
      active,
      everExchanged,
      shareNeverExchanged: active === 0 ? 0 : Math.max(0, active - everExchanged) / active,
      byStatus,
    },
    organisations: orgs.sort((a, b) => a.displayName.localeCompare(b.displayName)),
    pot,
  };
}

interface CsvRow {
  month: string;
  area: string;
  category: string;
  organisationId: string;
  organisation: string;
  metric: string;
  value: number;
}

/** The report as long-format CSV (one figure per row), easy to pivot in a spreadsheet. */
export function ledgerReportCsv(report: LedgerReport): string {
  const rows: CsvRow[] = [];
  const row = (fields: Partial<CsvRow> & { metric: string; value: number }) =>
    rows.push({ month: "", area: "", category: "", organisationId: "", organisation: "", ...fields });
  for (const m of report.months) {
    row({ month: m.month, metric: "exchanges", value: m.exchanges });
    row({ month: m.month, metric: "minutes_exchanged", value: m.minutesExchanged });
    row({ month: m.month, metric: "active_members", value: m.activeMembers });
    for (const [category, minutes] of Object.entries(m.byCategory)) {
      row({ month: m.month, category, metric: "minutes_exchanged", value: minutes });
    }
    for (const [area, f] of Object.entries(m.byArea)) {
      row({ month: m.month, area, metric: "exchanges", value: f.exchanges });
      row({ month: m.month, area, metric: "minutes_exchanged", value: f.minutesExchanged });
      row({ month: m.month, area, metric: "active_members", value: f.activeMembers });
    }
  }
  row({ metric: "members_active", value: report.members.active });
  row({ metric: "members_ever_exchanged", value: report.members.everExchanged });
  row({ metric: "share_never_exchanged", value: report.members.shareNeverExchanged });
  // members_active is above; the other statuses follow it.
  for (const [status, count] of Object.entries(report.members.byStatus)) {
    if (status !== "active") row({ metric: `members_${status}`, value: count });
  }
  for (const o of report.organisations) {
    const org = { area: o.area, organisationId: o.memberId, organisation: o.displayName };
    row({ ...org, metric: "awards", value: o.awards });
    row({ ...org, metric: "awarded_minutes", value: o.awardedMinutes });
    row({ ...org, metric: "volunteers_awarded", value: o.volunteersAwarded });
    row({ ...org, metric: "redemptions", value: o.redemptions });
    row({ ...org, metric: "redeemed_minutes", value: o.redeemedMinutes });
  }
  row({ metric: "pot_donated_minutes", value: report.pot.donatedMinutes });
  row({ metric: "pot_granted_minutes", value: report.pot.grantedMinutes });
  row({ metric: "pot_written_off_minutes", value: report.pot.writtenOffMinutes });
  return toCsv<CsvRow>(
    [
      { header: "month", value: (r) => r.month },
      { header: "area", value: (r) => r.area },
      { header: "category", value: (r) => r.category },
      { header: "organisation_id", value: (r) => r.organisationId },
      { header: "organisation", value: (r) => r.organisation },
      { header: "metric", value: (r) => r.metric },
      { header: "value", value: (r) => r.value },
    ],
    rows,
  );
}
