import { describe, expect, it } from "vitest";
import { toCsv } from "#domain/kernel/csv.ts";

const cell = (value: unknown) =>
  toCsv([{ header: "v", value: (row: { v: unknown }) => row.v }], [{ v: value }]).split("\r\n")[1];

describe("CSV cells", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+31 6 1234", "'+31 6 1234"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1+1", "'\t=1+1"],
    ["\r=1+1", '"\'\r=1+1"'],
    ["＝1+1", "'＝1+1"],
    ["＋1", "'＋1"],
    ["－1", "'－1"],
    ["＠SUM(A1)", "'＠SUM(A1)"],
  ])("neutralise a formula start in %j", (value, expected) => {
    expect(cell(value)).toBe(expected);
  });

  it("leave numbers, ordinary text and quoting as they are", () => {
    expect(cell(-90)).toBe("-90");
    expect(cell("Soup, bread")).toBe('"Soup, bread"');
    expect(cell('He said "hi"')).toBe('"He said ""hi"""');
    expect(cell("a=b")).toBe("a=b");
  });
});
