import { parse, type Token } from "@messageformat/parser";
import { describe, expect, it } from "vitest";
import { compileCatalogue, readCatalogue, webLocales } from "../../../web/build/messages.ts";

/**
 * The five catalogues stay complete and consistent: every key everywhere, the same placeholders
 * (a translation that drops `{count}` would show nonsense), valid ICU for the language's plural
 * rules, and translated for real rather than copied from English.
 */
const english = readCatalogue("en");
const others = webLocales.filter((l) => l !== "en");

/**
 * Keys whose English text is also the right word in that language; each needs a reason.
 * - "Menu" is the Dutch and the French word too, "Open" the Dutch one; "Date" and "Correction" are
 *   French words too; "Error:" is the Spanish word too.
 * - "Status" is the Dutch and the German word too; "Name" and "Organisation" are German words too.
 */
const sameAsEnglish: Record<string, string[]> = {
  nl: ["layout.menu", "postStatus.open", "staff.status", "auditField.status"],
  fr: ["layout.menu", "balance.date", "statementKind.reversal"],
  de: ["staff.findName", "staff.status", "reports.organisation", "org.title"],
  es: ["form.errorPrefix"],
};

/** A message with no words of its own (only placeholders and signs) reads the same in every language. */
function hasWords(message: string): boolean {
  return /\p{L}/u.test(message.replace(/\{[^{}]*\}/g, ""));
}

/** Argument names a message uses, including those of plurals and selects, and the cases of selects. */
function placeholders(message: string): string[] {
  const found = new Set<string>();
  const walk = (tokens: Token[]) => {
    for (const token of tokens) {
      if (token.type === "argument" || token.type === "function") found.add(token.arg);
      if (token.type === "select")
        found.add(`${token.arg}:select(${token.cases.map((c) => c.key).join("|")})`);
      if (token.type === "plural" || token.type === "selectordinal") found.add(`${token.arg}:${token.type}`);
      if (token.type === "plural" || token.type === "select" || token.type === "selectordinal") {
        for (const c of token.cases) walk(c.tokens);
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}

describe("message catalogues", () => {
  it("English has messages", () => {
    expect(Object.keys(english).length).toBeGreaterThan(50);
  });

  it.each(others)("%s has exactly the English keys", (locale) => {
    const keys = Object.keys(readCatalogue(locale)).sort();
    expect(keys).toEqual(Object.keys(english).sort());
  });

  it.each(others)("%s uses the same placeholders in every message", (locale) => {
    const catalogue = readCatalogue(locale);
    const mismatches = Object.entries(english)
      .filter(([key, text]) => {
        const translated = catalogue[key];
        return translated !== undefined && placeholders(text).join() !== placeholders(translated).join();
      })
      .map(([key]) => key);
    expect(mismatches).toEqual([]);
  });

  it.each(webLocales)("%s compiles as ICU for its own plural rules", (locale) => {
    expect(() => compileCatalogue(locale, readCatalogue(locale))).not.toThrow();
  });

  it.each(others)("%s is translated, not copied from English", (locale) => {
    const catalogue = readCatalogue(locale);
    const copied = Object.entries(english)
      .filter(
        ([key, text]) =>
          catalogue[key] === text && hasWords(text) && !(sameAsEnglish[locale] ?? []).includes(key),
      )
      .map(([key]) => key);
    expect(copied).toEqual([]);
  });

  it("flags a copied message and a dropped placeholder (the checks can fail)", () => {
    expect(placeholders("{count, plural, one {# hour} other {# hours}}")).toEqual(["count:plural"]);
    expect(placeholders("Hallo")).not.toEqual(placeholders("Hello, {name}"));
  });
});
