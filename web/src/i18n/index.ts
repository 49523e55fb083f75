import { computed, signal } from "@preact/signals";
import { city } from "../config.ts";
import type en from "./messages/en.json";

export const locales = ["en", "nl", "fr", "de", "es"] as const;
export type Locale = (typeof locales)[number];
export type MessageKey = keyof typeof en;
type Params = Record<string, string | number>;
type Catalogue = Record<MessageKey, string | ((params: Params) => string)>;

/** Each language is its own chunk: only the one in use is downloaded. */
const loaders: Record<Locale, () => Promise<{ default: unknown }>> = {
  en: () => import("virtual:messages/en"),
  nl: () => import("virtual:messages/nl"),
  fr: () => import("virtual:messages/fr"),
  de: () => import("virtual:messages/de"),
  es: () => import("virtual:messages/es"),
};

/** Names of the languages in themselves, so anyone finds their own. */
export const languageNames: Record<Locale, string> = {
  en: "English",
  nl: "Nederlands",
  fr: "Français",
  de: "Deutsch",
  es: "Español",
};

export const locale = signal<Locale>("en");
const catalogue = signal<Catalogue | undefined>(undefined);
export const ready = computed(() => catalogue.value !== undefined);

const DEVICE_KEY = "mutua.language";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

/** The languages this city offers, in the order it lists them. */
export function offeredLocales(): Locale[] {
  return city().languages.offered.filter(isLocale);
}

/** Before sign-in: the language last chosen on this device, else the browser's, else the city's default. */
export function deviceLocale(): Locale {
  const offered = offeredLocales();
  const stored = localStorage.getItem(DEVICE_KEY);
  if (isLocale(stored) && offered.includes(stored)) return stored;
  for (const wanted of navigator.languages) {
    const base = wanted.slice(0, 2).toLowerCase();
    if (isLocale(base) && offered.includes(base)) return base;
  }
  const fallback = city().languages.default;
  return isLocale(fallback) ? fallback : "en";
}

/** Switches the whole app to a language, loading its messages first so nothing shows half-translated. */
export async function switchLocale(next: Locale): Promise<void> {
  const module = await loaders[next]();
  catalogue.value = module.default as Catalogue;
  locale.value = next;
  document.documentElement.lang = next;
  localStorage.setItem(DEVICE_KEY, next);
}

/**
 * Messages in another language than the screen's: what a coordinator sends a member is written in
 * the member's language, whatever language the coordinator works in.
 */
export async function messagesIn(language: Locale): Promise<(key: MessageKey, params?: Params) => string> {
  const catalogue = (await loaders[language]()).default as Catalogue;
  return (key, params = {}) => {
    const message = catalogue[key];
    if (message === undefined) return "";
    return typeof message === "function" ? message(params) : message;
  };
}

/** The message `key` in the current language. */
export function t(key: MessageKey, params: Params = {}): string {
  const message = catalogue.value?.[key];
  if (message === undefined) return "";
  return typeof message === "function" ? message(params) : message;
}

/** A category's or area's name in the current language, from the city file. */
export function localName(item: {
  name: string;
  names?: Partial<Record<string, string>> | undefined;
}): string {
  return item.names?.[locale.value] ?? item.name;
}

export function categoryName(id: string): string {
  const skill = city().skills.find((s) => s.id === id);
  return skill ? localName(skill) : id;
}

export function areaName(id: string): string {
  const area = city().areas.find((a) => a.id === id);
  return area ? localName(area) : id;
}
