import { describe, expect, it } from "vitest";
import { keys } from "#data/keys.ts";
import type { ReportAggregate } from "#domain/ledger/ports.ts";

describe("report aggregate keys", () => {
  const aggregates: ReportAggregate[] = [
    { of: "area", area: "old-town" },
    { of: "category", area: "old-town", category: "gardening" },
    { of: "organisation", organisationId: "01ORG" },
    { of: "pot" },
  ];

  it("keeps the sort keys existing reports are stored under", () => {
    expect(aggregates.map((a) => keys.ledgerReport("2026-01", a).sk)).toEqual([
      "AREA#old-town",
      "CAT#old-town#gardening",
      "ORG#01ORG",
      "POT",
    ]);
  });

  it("reads every aggregate back from its key, and nothing from a key it does not know", () => {
    for (const aggregate of aggregates) {
      expect(keys.reportAggregateOf(keys.ledgerReport("2026-01", aggregate).sk)).toEqual(aggregate);
    }
    expect(keys.reportAggregateOf("SOMETHING#else")).toBeUndefined();
  });
});
