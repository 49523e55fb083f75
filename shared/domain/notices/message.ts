import type { Token } from "@messageformat/parser";
import type { Language } from "#shared/config/city.ts";
import { formatDay, formatDistance, formatDuration, formatNumber } from "./format.ts";

/** Values a message is given: numbers, words and names (never translated). */
export type MessageValues = Readonly<Record<string, string | number | undefined>>;

/**
 * The formats a message may apply to a value, as `{minutes, duration}`: they are what the
 * catalogues may use, and the catalogue test checks no message uses another.
 */
export const messageFormats = ["duration", "day", "distance", "number"] as const;
type MessageFormatName = (typeof messageFormats)[number];

export interface MessageContext {
  locale: Language;
  /** The city's time zone, for days. */
  timeZone: string;
}

function isFormat(name: string): name is MessageFormatName {
  return (messageFormats as readonly string[]).includes(name);
}

function formatted(format: string, value: string | number | undefined, context: MessageContext): string {
  if (value === undefined) return "";
  if (!isFormat(format)) throw new Error(`Unknown message format "${format}"`);
  const number = Number(value);
  switch (format) {
    case "duration":
      return formatDuration(context.locale, number);
    case "distance":
      return formatDistance(context.locale, number);
    case "number":
      return formatNumber(context.locale, number);
    case "day":
      return formatDay(context.locale, String(value), context.timeZone);
  }
}

const pluralRules = new Map<string, Intl.PluralRules>();
function pluralCategory(locale: Language, type: "cardinal" | "ordinal", value: number): string {
  let rules = pluralRules.get(`${locale}|${type}`);
  if (!rules) {
    rules = new Intl.PluralRules(locale, { type });
    pluralRules.set(`${locale}|${type}`, rules);
  }
  return rules.select(value);
}

/**
 * Formats parsed ICU tokens: arguments, plurals (`=0` and the language's own categories, through
 * Intl.PluralRules, so no plural tables are bundled), selects and the formats above. One rule of
 * our own: a select's `none` case is taken when the value is missing or empty (and never because a
 * member typed "none"), so an optional memo or reason reads naturally either way.
 */
function formatTokens(
  tokens: readonly Token[],
  values: MessageValues,
  context: MessageContext,
  hash?: number,
): string {
  let out = "";
  for (const token of tokens) {
    switch (token.type) {
      case "content":
        out += token.value;
        break;
      case "argument":
        out += String(values[token.arg] ?? "");
        break;
      case "octothorpe":
        out += hash === undefined ? "#" : formatNumber(context.locale, hash);
        break;
      case "function":
        out += formatted(token.key, values[token.arg], context);
        break;
      case "select": {
        const value = values[token.arg];
        const missing = value === undefined || value === "";
        const chosen =
          (missing
            ? token.cases.find((c) => c.key === "none")
            : token.cases.find((c) => c.key === String(value) && c.key !== "none")) ??
          token.cases.find((c) => c.key === "other");
        out += chosen ? formatTokens(chosen.tokens, values, context, hash) : "";
        break;
      }
      case "plural":
      case "selectordinal": {
        const number = Number(values[token.arg] ?? 0) - (token.pluralOffset ?? 0);
        const type = token.type === "plural" ? "cardinal" : "ordinal";
        const category = pluralCategory(context.locale, type, number);
        const chosen =
          token.cases.find((c) => c.key === `=${number}`) ??
          token.cases.find((c) => c.key === category) ??
          token.cases.find((c) => c.key === "other");
        out += chosen ? formatTokens(chosen.tokens, values, context, number) : "";
        break;
      }
    }
  }
  return out;
}

/** A catalogue's messages as ICU tokens (parsed at build time), formatted for each notice. */
export class MessageCatalogue {
  constructor(
    readonly locale: Language,
    private readonly messages: Readonly<Record<string, readonly Token[]>>,
  ) {}

  has(key: string): boolean {
    return key in this.messages;
  }

  /**
   * The message `key` with `values` in it.
   * @throws Error when the catalogue has no such message (the catalogue test keeps them complete).
   */
  format(key: string, values: MessageValues, timeZone: string): string {
    const tokens = this.messages[key];
    if (tokens === undefined) throw new Error(`No message "${key}" in the ${this.locale} notices`);
    return formatTokens(tokens, values, { locale: this.locale, timeZone });
  }
}
