import { readFileSync } from "node:fs";
import type { City, Language } from "#shared/config/city.ts";
import { formatList } from "./format.ts";
import type { Notification } from "./inbox.ts";
import { noticeParamsSchemas } from "./kinds.ts";
import { MessageCatalogue, type MessageValues } from "./message.ts";

const catalogues = new Map<Language, MessageCatalogue>();

/**
 * The notices' catalogue in one language, read on first use from `compiled/<language>.json` beside
 * this module: the catalogues parsed at build time (`npm run build:notices`, kept up to date by a
 * test). A Lambda bundle carries neither the catalogues nor the ICU parser; the files ship beside
 * the bundle (see infra/aws/bundling.ts), and a function reads only its readers' languages.
 */
export function noticeCatalogue(language: Language): MessageCatalogue {
  let catalogue = catalogues.get(language);
  if (!catalogue) {
    catalogue = new MessageCatalogue(
      language,
      JSON.parse(readFileSync(new URL(`./compiled/${language}.json`, import.meta.url), "utf8")),
    );
    catalogues.set(language, catalogue);
  }
  return catalogue;
}

/** A notice's words in one language. */
export interface NoticeText {
  title: string;
  body: string;
  /** The language the words are in: the reader's, or English for an old notice stored as text. */
  language: Language;
}

const TITLE_MAX = 200;
const BODY_MAX = 2000;

/** The language a member reads notices in: their own choice, else the city's default. */
export function readerLanguage(member: { preferredLanguage?: Language | undefined } | undefined, city: City) {
  return member?.preferredLanguage ?? city.languages.default;
}

function localName(
  item: { name: string; names?: Partial<Record<Language, string>> | undefined },
  locale: Language,
) {
  return item.names?.[locale] ?? item.name;
}

/**
 * The values a notice's messages read: its params, with ids turned into the reader's words (a
 * category's and areas' names from the city file), lists of typed text joined as the language
 * joins them, the city's name, and `what` (the exchange's description, quoted, else its
 * category), `amount` and `direction` (credits in or out) worked out once here.
 */
function messageValues(
  params: Readonly<Record<string, string | number>>,
  city: City,
  catalogue: MessageCatalogue,
): Record<string, string | number | undefined> {
  const locale = catalogue.locale;
  const values: Record<string, string | number | undefined> = { ...params, city: city.name };
  const category = params.category;
  if (typeof category === "string") {
    const skill = city.skills.find((s) => s.id === category);
    values.category = skill ? localName(skill, locale) : category;
  }
  if (typeof params.areas === "string") {
    const names = params.areas
      .split(",")
      .filter(Boolean)
      .map((id) => {
        const area = city.areas.find((a) => a.id === id);
        return area ? localName(area, locale) : id;
      });
    values.areas = formatList(locale, names);
  }
  for (const list of ["names", "titles", "parties"] as const) {
    const value = params[list];
    if (typeof value === "string") values[list] = formatList(locale, value.split("\n").filter(Boolean));
  }
  const description = params.description;
  values.what =
    typeof description === "string" && description
      ? catalogue.format("common.quoted", { text: description }, city.timezone)
      : values.category;
  if (typeof params.minutes === "number") {
    values.amount = Math.abs(params.minutes);
    values.direction = params.minutes < 0 ? "out" : "in";
  }
  return values;
}

/**
 * A notice in the reader's language, from its kind and params. An old notice stored with English
 * text only (before notices carried params for every kind) is shown as stored, in English.
 * @throws Error when a notice has neither params its kind accepts nor stored text (a defect).
 */
export function renderNotice(
  notification: Pick<Notification, "kind" | "params" | "title" | "body">,
  language: Language,
  city: City,
): NoticeText {
  const schema = noticeParamsSchemas[notification.kind];
  const fits = notification.params !== undefined && schema.safeParse(notification.params).success;
  if (!fits || !notification.params) {
    if (notification.title === undefined) {
      throw new Error(`Notice of kind ${notification.kind} without params for its kind nor stored text`);
    }
    return { title: notification.title, body: notification.body ?? "", language: "en" };
  }
  const catalogue = noticeCatalogue(language);
  const values: MessageValues = messageValues(notification.params, city, catalogue);
  return {
    title: catalogue.format(`${notification.kind}.title`, values, city.timezone).slice(0, TITLE_MAX),
    body: catalogue.format(`${notification.kind}.body`, values, city.timezone).slice(0, BODY_MAX),
    language,
  };
}

/** A notice as a member reads it: stored fields and the words in their language. */
export function readableNotice<N extends Notification>(notification: N, language: Language, city: City) {
  return { ...notification, ...renderNotice(notification, language, city) };
}

/** One of the catalogue's shared sentences (an email's signature, a bundle's subject). */
export function commonText(language: Language, key: string, values: MessageValues, city: City): string {
  return noticeCatalogue(language).format(key, { city: city.name, ...values }, city.timezone);
}
