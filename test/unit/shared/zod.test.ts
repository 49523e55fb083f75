import { describe, expect, it } from "vitest";
import * as z from "#shared/zod.ts";

describe("text in every schema", () => {
  it.each([
    ["a lone high surrogate", "\ud800"],
    ["a lone low surrogate", "abc\udfff"],
    ["a reversed pair", "\ude00\ud83d"],
  ])("refuses %s, naming the field", (_what, text) => {
    const schema = z.strictObject({ bio: z.string().check(z.maxLength(100)) });
    const result = z.safeParse(schema, { bio: text });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["bio"]);
    expect(result.error?.issues[0]?.message).toMatch(/Unicode/);
  });

  it("keeps characters outside the Basic Multilingual Plane and every other text", () => {
    for (const text of ["🌱 garden", "Ærøskøbing", "", "日本語", "\u0000"]) {
      expect(z.safeParse(z.string(), text).success, text).toBe(true);
    }
  });

  it("applies to URLs, whose parser accepts a lone surrogate", () => {
    expect(z.safeParse(z.url(), "https://example.org/garden").success).toBe(true);
    expect(z.safeParse(z.url(), "https://example.org/\ud800").success).toBe(false);
  });
});
