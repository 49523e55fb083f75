import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse, type Token } from "@messageformat/parser";
import { languageCodes } from "#shared/config/city.ts";

/** The notices' catalogues as translators write them (ICU messages), one file per language. */
export const noticeSourceDir = resolve(import.meta.dirname, "../../shared/domain/notices/messages");
/**
 * The same catalogues parsed at build time (each message as its ICU tokens), one file per language.
 * A Lambda bundle carries neither the messages nor the ICU parser: these files ship beside it and
 * a function reads the reader's language only, on first use.
 */
export const noticeCompiledDir = resolve(import.meta.dirname, "../../shared/domain/notices/compiled");

/** One language's catalogue parsed, as the file the renderer reads. */
export function compiledCatalogue(language: string): string {
  const source: Record<string, string> = JSON.parse(
    readFileSync(resolve(noticeSourceDir, `${language}.json`), "utf8"),
  );
  const parsed: Record<string, Token[]> = {};
  for (const [key, message] of Object.entries(source)) parsed[key] = parse(message);
  // Where each token stood in the source (`ctx`) is for error messages at build time only.
  return `${JSON.stringify(parsed, (name, value) => (name === "ctx" ? undefined : value))}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const language of languageCodes) {
    writeFileSync(resolve(noticeCompiledDir, `${language}.json`), compiledCatalogue(language));
  }
  console.log(`Notice catalogues compiled into ${noticeCompiledDir}`);
}
