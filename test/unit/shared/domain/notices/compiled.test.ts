import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { languageCodes } from "#shared/config/city.ts";
import { compiledCatalogue, noticeCompiledDir } from "../../../../../infra/build/notice-catalogues.ts";

describe("the notices' compiled catalogues", () => {
  it.each(languageCodes)("%s is up to date with its ICU messages (npm run build:notices)", (language) => {
    const shipped = readFileSync(resolve(noticeCompiledDir, `${language}.json`), "utf8");
    expect(shipped).toBe(compiledCatalogue(language));
  });
});
