import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  foldText,
  hasAllWords,
  leadingWord,
  MAX_POST_WORDS,
  postWordsOf,
  wordsOf,
} from "#domain/posts/search/text.ts";

describe("search words", () => {
  it("folds case and accents", () => {
    expect(foldText("Crème Brûlée ÇA Ñandú")).toBe("creme brulee ca nandu");
  });

  it("splits on anything but letters and digits, drops short and common words, keeps order", () => {
    expect(wordsOf("The bike-repair café, for 2 kids & 3D printers!")).toEqual([
      "bike",
      "repair",
      "cafe",
      "kids",
      "3d",
      "printers",
    ]);
    expect(wordsOf("Le vélo et la voiture")).toEqual(["velo", "voiture"]);
    expect(wordsOf("Bike bike BIKE")).toEqual(["bike"]);
  });

  it("indexes title words then tag words, capped", () => {
    expect(postWordsOf("Garden help", ["Seeds", "garden"])).toEqual(["garden", "help", "seeds"]);
    const many = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
    expect(postWordsOf(many, [])).toHaveLength(MAX_POST_WORDS);
  });

  it("needs every query word, and reads the index by the longest", () => {
    expect(hasAllWords(["bike", "repair"], ["repair", "bike"])).toBe(true);
    expect(hasAllWords(["bike"], ["bike", "repair"])).toBe(false);
    expect(leadingWord(["bike", "repairs", "tools"])).toBe("repairs");
    expect(leadingWord(["ab", "cd"])).toBe("ab");
    expect(leadingWord([])).toBeUndefined();
  });

  it("always yields folded, separator-free words that a search for them finds", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 120 }),
        fc.array(fc.string({ maxLength: 30 }), { maxLength: 10 }),
        (title, tags) => {
          const words = postWordsOf(title, tags);
          for (const word of words) {
            expect(word).toBe(foldText(word));
            expect(word).toMatch(/^[\p{L}\p{N}]{2,30}$/u);
            // What a post is indexed by, a query for the same text finds.
            expect(hasAllWords(words, wordsOf(word))).toBe(true);
          }
          expect(new Set(words).size).toBe(words.length);
        },
      ),
    );
  });
});
