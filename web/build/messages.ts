import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import MessageFormatExport from "@messageformat/core";
import compileModuleExport from "@messageformat/core/lib/compile-module.js";
import type { Plugin } from "vite";

/** The languages the web app speaks; a city offers some or all of them. */
export const webLocales = ["en", "nl", "fr", "de", "es"] as const;
export type WebLocale = (typeof webLocales)[number];

export const messagesDir = resolve(import.meta.dirname, "../src/i18n/messages");

// Both are CommonJS modules whose `module.exports` is the function itself, while their types
// declare an ES default export: imported from ESM, the default import is the function.
const MessageFormat = MessageFormatExport as unknown as typeof MessageFormatExport.default;
const compileModule = compileModuleExport as unknown as typeof compileModuleExport.default;

/** A catalogue as written: ICU MessageFormat strings by key. */
export function readCatalogue(locale: WebLocale): Record<string, string> {
  return JSON.parse(readFileSync(resolve(messagesDir, `${locale}.json`), "utf8"));
}

/**
 * Compiles a catalogue into an ES module of plain functions, so the browser gets no ICU parser:
 * plurals and selects become a few lines each, using the small messageformat runtime.
 */
export function compileCatalogue(locale: WebLocale, messages: Record<string, string>): string {
  const mf = new MessageFormat(locale, { strict: true });
  return compileModule(mf, messages);
}

const PREFIX = "virtual:messages/";

/** `import("virtual:messages/nl")` gives the compiled Dutch catalogue (its own chunk). */
export function messagesPlugin(): Plugin {
  return {
    name: "mutua-messages",
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : undefined;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return undefined;
      const locale = id.slice(PREFIX.length + 1);
      const known = webLocales.find((l) => l === locale);
      if (!known) throw new Error(`No message catalogue for "${locale}"`);
      this.addWatchFile(resolve(messagesDir, `${known}.json`));
      return compileCatalogue(known, readCatalogue(known));
    },
  };
}
