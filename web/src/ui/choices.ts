import { city } from "../config.ts";
import { areaName, categoryName, languageNames, locales, offeredLocales, t } from "../i18n/index.ts";
import type { Option } from "./fields.tsx";

export function areaOptions(): Option[] {
  return city().areas.map((a) => ({ value: a.id, label: areaName(a.id) }));
}

export function categoryOptions(): Option[] {
  return city()
    .skills.map((s) => ({ value: s.id, label: categoryName(s.id) }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/** Languages offered by the city, each named in itself. */
export function languageOptions(): Option[] {
  return offeredLocales().map((l) => ({ value: l, label: languageNames[l], lang: l }));
}

export type ContactPreference = "in-app" | "email" | "sms" | "via-coordinator";

export function contactOptions(): Option[] {
  const options: Option[] = [
    { value: "in-app", label: t("contact.inApp"), hint: t("contact.inAppHint") },
    { value: "email", label: t("contact.email") },
    ...(city().smsEnabled ? [{ value: "sms", label: t("contact.sms") }] : []),
    { value: "via-coordinator", label: t("contact.viaCoordinator"), hint: t("contact.viaCoordinatorHint") },
  ];
  return options;
}

export function isContactPreference(value: string): value is ContactPreference {
  return ["in-app", "email", "sms", "via-coordinator"].includes(value);
}

export { locales };
