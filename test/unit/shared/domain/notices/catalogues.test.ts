import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse, type Token } from "@messageformat/parser";
import { describe, expect, it } from "vitest";
import { notificationKinds } from "#domain/notices/inbox.ts";
import { noticeKinds, noticeParamsSchemas } from "#domain/notices/kinds.ts";
import { messageFormats } from "#domain/notices/message.ts";
import { languageCodes } from "#shared/config/city.ts";
import { hasWords, placeholders } from "../../../../support/catalogues.ts";

/**
 * The notice catalogues stay complete and consistent, as the web app's do: every key in every
 * language with the same placeholders, valid ICU, translated rather than copied; and every
 * notice kind has its words, using only values its params (or the renderer) give.
 */
const dir = resolve(import.meta.dirname, "../../../../../shared/domain/notices/messages");
const read = (locale: string): Record<string, string> =>
  JSON.parse(readFileSync(resolve(dir, `${locale}.json`), "utf8"));
const english = read("en");
const others = languageCodes.filter((l) => l !== "en");

/** Values the renderer adds to every notice's params (see render.ts). */
const derived = ["city", "what", "amount", "direction"];

function argumentsOf(message: string): Set<string> {
  const found = new Set<string>();
  const walk = (tokens: Token[]) => {
    for (const token of tokens) {
      if (token.type === "content" || token.type === "octothorpe") continue;
      found.add(token.arg);
      if (token.type !== "argument" && token.type !== "function") for (const c of token.cases) walk(c.tokens);
    }
  };
  walk(parse(message));
  return found;
}

function formatsOf(message: string): string[] {
  const found: string[] = [];
  const walk = (tokens: Token[]) => {
    for (const token of tokens) {
      if (token.type === "function") found.push(token.key);
      if (token.type === "plural" || token.type === "select" || token.type === "selectordinal")
        for (const c of token.cases) walk(c.tokens);
    }
  };
  walk(parse(message));
  return found;
}

describe("notice catalogues", () => {
  it("every notice kind has params and English words for its title and body", () => {
    expect([...noticeKinds].sort()).toEqual([...notificationKinds].sort());
    const missing = noticeKinds.flatMap((kind) =>
      [`${kind}.title`, `${kind}.body`].filter((key) => english[key] === undefined),
    );
    expect(missing).toEqual([]);
  });

  it.each(noticeKinds)("%s uses only values its params or the renderer give", (kind) => {
    const given = new Set([...Object.keys(noticeParamsSchemas[kind].def.shape), ...derived]);
    const used = [
      ...argumentsOf(english[`${kind}.title`] ?? ""),
      ...argumentsOf(english[`${kind}.body`] ?? ""),
    ];
    expect(used.filter((name) => !given.has(name))).toEqual([]);
  });

  it.each(languageCodes)("%s has exactly the English keys", (locale) => {
    expect(Object.keys(read(locale)).sort()).toEqual(Object.keys(english).sort());
  });

  it.each(others)("%s uses the same placeholders in every message", (locale) => {
    const catalogue = read(locale);
    const mismatches = Object.entries(english)
      .filter(([key, text]) => {
        const translated = catalogue[key];
        return translated !== undefined && placeholders(text).join() !== placeholders(translated).join();
      })
      .map(([key]) => key);
    expect(mismatches).toEqual([]);
  });

  it.each(languageCodes)("%s is valid ICU using only the formats notices know", (locale) => {
    const unknown = Object.values(read(locale))
      .flatMap(formatsOf)
      .filter((f) => !(messageFormats as readonly string[]).includes(f));
    expect(unknown).toEqual([]);
  });

  it.each(others)("%s is translated, not copied from English", (locale) => {
    const catalogue = read(locale);
    const copied = Object.entries(english)
      .filter(([key, text]) => catalogue[key] === text && hasWords(text))
      .map(([key]) => key);
    expect(copied).toEqual([]);
  });

  it("the checks can fail: a dropped placeholder, a changed format, a copied message", () => {
    expect(placeholders("{minutes, duration} moved")).not.toEqual(placeholders("{minutes} verplaatst"));
    expect(placeholders("Hallo")).not.toEqual(placeholders("Hello, {name}"));
    expect(hasWords("{who}: {what}")).toBe(false);
    expect(formatsOf("{at, time}")).toEqual(["time"]);
  });
});
