import { describe, expect, it } from "vitest";
import {
  type Capacity,
  defaultActivity,
  estimate,
  loadCapacity,
  recordedCapacity,
  total,
  UnknownRegionError,
} from "../../../bench/cost/model.ts";
import { regions } from "../../../bench/cost/prices.ts";
import { stackShape } from "../../../bench/cost/shape.ts";

const capacity: Capacity = { ...recordedCapacity, from: {} };
const shape = stackShape();
const bill = (overrides: Partial<typeof defaultActivity> = {}) =>
  estimate({ ...defaultActivity, ...overrides }, capacity, shape);
const line = (lines: ReturnType<typeof bill>, text: string) => lines.find((l) => l.item.includes(text));

describe("the cost estimate", () => {
  it("bills an idle city only for what the stack holds at any traffic", () => {
    const idle = bill({ members: 0 });
    for (const l of idle.filter((x) => x.basis === "measured" || x.service === "Cognito")) {
      expect(l.monthly, l.item).toBe(0);
    }
    expect(line(idle, "alarms")?.monthly).toBeCloseTo((shape.alarms - 10) * 0.1, 5);
    // Alarms (two a function: $0.20 a month each past the free ten), and the web ACL with its four
    // rules ($9 a month whatever the traffic): $15.00 with 30 functions.
    expect(total(idle)).toBeLessThan(16);
  });

  it("grows with the city, and names the assumptions it rests on", () => {
    const small = total(bill({ members: 10_000 }));
    const large = total(bill({ members: 100_000 }));
    expect(large).toBeGreaterThan(small);
    expect(line(bill(), "HTTP API")?.quantity).toBe(10_000 * 0.4 * 8 * 12);
  });

  it("prices Cognito by tier, with the free 10,000 MAU on Lite and Essentials only", () => {
    expect(line(bill({ cognitoTier: "plus" }), "plus tier")?.monthly).toBeCloseTo(4000 * 0.02, 5);
    expect(line(bill({ cognitoTier: "essentials" }), "essentials tier")?.monthly).toBe(0);
    expect(line(bill({ members: 100_000, cognitoTier: "essentials" }), "essentials")?.monthly).toBeCloseTo(
      30_000 * 0.015,
      5,
    );
  });

  it("follows the region's prices and refuses one it has none for", () => {
    const ireland = line(bill({ region: "eu-west-1" }), "who is calling");
    const virginia = line(bill({ region: "us-east-1" }), "who is calling");
    expect(ireland?.price).toBe((regions["eu-west-1"]?.dynamodb.perMillionReads ?? 0) / 1e6);
    expect(virginia?.price).toBe((regions["us-east-1"]?.dynamodb.perMillionReads ?? 0) / 1e6);
    expect(() => bill({ region: "mars-north-1" })).toThrow(UnknownRegionError);
  });

  it("bills the edge (CloudFront, the web ACL with its four rules) and leaves placeholders out of the total", () => {
    const lines = bill({ members: 0 });
    expect(line(lines, "web ACL")?.monthly).toBeCloseTo(5 + 4 * 1, 5);
    expect(lines.filter((l) => l.basis === "placeholder").map((l) => l.service)).not.toContain("WAF");
    expect(total(lines)).toBeCloseTo(
      lines.filter((l) => l.basis !== "placeholder").reduce((n, l) => n + l.monthly, 0),
      6,
    );
  });

  it("takes capacity figures from bench output when there is some, and says where each came from", () => {
    const loaded = loadCapacity((name) =>
      name === "ledger"
        ? { ranAt: "2026-01-01T00:00:00Z", settlementWriteCapacityUnits: 42, settlementReadCapacityUnits: 3 }
        : undefined,
    );
    expect(loaded.settlementWrites).toBe(42);
    expect(loaded.from.settlementWrites).toBe("bench/out/ledger.json (2026-01-01T00:00:00Z)");
    expect(loaded.createPost).toBe(recordedCapacity.createPost);
    expect(loaded.from.createPost).toMatch(/recorded run/);
  });

  it("has a measured figure for every use case in the recorded run, so a fresh clone prices real work", () => {
    for (const [field, value] of Object.entries(recordedCapacity)) expect(value, field).toBeGreaterThan(0);
  });
});
