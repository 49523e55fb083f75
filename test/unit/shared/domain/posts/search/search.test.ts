import { describe, expect, it } from "vitest";
import { ValidationError } from "#domain/kernel/errors.ts";
import { encodeCursor } from "#domain/kernel/paging.ts";
import {
  availableOn,
  cellBitsFor,
  decodeSearchCursor,
  encodeSearchCursor,
} from "#domain/posts/search/search.ts";

describe("availability filter", () => {
  const weekly = {
    type: "weekly" as const,
    windows: [
      { day: 0, from: "09:00", to: "12:00" },
      { day: 3, from: "18:00", to: "21:00" },
    ],
  };

  it("matches weekly windows by day and time (from inclusive, to exclusive)", () => {
    expect(availableOn(weekly, 0, undefined)).toBe(true);
    expect(availableOn(weekly, 1, undefined)).toBe(false);
    expect(availableOn(weekly, 0, "09:00")).toBe(true);
    expect(availableOn(weekly, 0, "12:00")).toBe(false);
    expect(availableOn(weekly, undefined, "19:30")).toBe(true);
    expect(availableOn(weekly, 0, "19:30")).toBe(false);
  });

  it("matches a date range by the weekdays it covers (2030-05-06 is a Monday)", () => {
    const weekend = { type: "dates" as const, from: "2030-05-11", to: "2030-05-12" };
    expect(availableOn(weekend, 5, undefined)).toBe(true);
    expect(availableOn(weekend, 6, "10:00")).toBe(true);
    expect(availableOn(weekend, 0, undefined)).toBe(false);
    const fortnight = { type: "dates" as const, from: "2030-05-06", to: "2030-05-20" };
    for (let day = 0; day < 7; day++) expect(availableOn(fortnight, day, undefined)).toBe(true);
  });

  it("treats a post without availability as arrangeable any day", () => {
    expect(availableOn(undefined, 2, "03:00")).toBe(true);
  });
});

describe("search cursors", () => {
  it("round-trip, and are refused for another search, out of range or forged", () => {
    const cursor = encodeSearchCursor("abc", { rank: 3, after: "u151e#01X" });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeSearchCursor(cursor, "abc", 10)).toEqual({ rank: 3, after: "u151e#01X" });
    expect(() => decodeSearchCursor(cursor, "xyz", 10)).toThrow(ValidationError);
    expect(() => decodeSearchCursor(cursor, "abc", 3)).toThrow(ValidationError);
    expect(() => decodeSearchCursor("%%%", "abc", 10)).toThrow(ValidationError);
    for (const forged of [
      { r: -1 },
      { r: 0, x: 1 },
      { r: 0, a: "u151e#01X AND 1=1" },
      { r: 0, a: "\ud800" },
    ]) {
      expect(() => decodeSearchCursor(encodeCursor("abc", forged), "abc", 10)).toThrow(ValidationError);
    }
  });
});

describe("cell size", () => {
  it("is about a quarter of the radius across, never finer than the 35-bit limit", () => {
    // 5 km circle: cells of 2-3 bits past the ~5.8 km partition; 1 km: 7-8 bits; 100 m: the limit.
    expect(cellBitsFor(5000)).toBe(3);
    expect(cellBitsFor(1000)).toBe(8);
    expect(cellBitsFor(100)).toBe(10);
    expect(cellBitsFor(20_000)).toBe(2);
  });
});
