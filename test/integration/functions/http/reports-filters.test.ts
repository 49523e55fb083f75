import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LedgerReport } from "../../../../shared/domain/ledger/reports.ts";
import { startTestCity, type TestCity } from "../../../support/city.ts";

/** The ledger report for one area, and members by status, in JSON and the same figures in CSV. */
let city: TestCity;
beforeAll(async () => {
  city = await startTestCity();
  await city.runtime.poller.drain();
});
afterAll(async () => {
  await city?.stop();
});

describe("the ledger report's filters", () => {
  it("covers one area when asked, and counts members by status there", async () => {
    const res = await city.call("GET", "/reports/ledger?area=north-park", { as: "dora" });
    expect(res.status).toBe(200);
    const report = res.body as LedgerReport;
    expect(report.areas).toEqual(["north-park"]);
    // North Park: Chen (active) and Fatou (waiting to join), in the demo city.
    expect(report.members.byStatus).toEqual({ pending: 1, active: 1, declined: 0, suspended: 0, closed: 0 });
    expect(report.members.active).toBe(1);
    for (const m of report.months) expect(Object.keys(m.byArea).every((a) => a === "north-park")).toBe(true);
  });

  it("counts members by status over every area in scope", async () => {
    const report = (await city.call("GET", "/reports/ledger", { as: "dora" })).body as LedgerReport;
    expect(report.members.byStatus.pending).toBe(1);
    expect(report.members.byStatus.active).toBe(report.members.active);
  });

  it("refuses an area out of scope and an unknown one", async () => {
    const out = await city.call("GET", "/reports/ledger?area=old-town", { as: "emil" });
    expect(out.status).toBe(403);
    expect((out.body as { error: { code: string } }).error.code).toBe("FORBIDDEN");
    const unknown = await city.call("GET", "/reports/ledger?area=atlantis", { as: "dora" });
    expect(unknown.status).toBe(400);
    expect((unknown.body as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
  });

  it("gives the same members by status in its CSV", async () => {
    const csv = await city.call("GET", "/reports/ledger.csv?area=north-park", { as: "dora" });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(",,,,,members_pending,1");
    expect(csv.text).toContain(",,,,,members_active,1");
  });
});
