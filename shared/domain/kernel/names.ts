import type { City } from "#shared/config/city.ts";

/**
 * The names people read in place of ids and codes: a skill category's name from the city file,
 * a language's name. Notices and match reasons use the same ones. (English for now; a later
 * change renders notices in the reader's language.)
 */
export function categoryName(city: Pick<City, "skills">, categoryId: string): string {
  return city.skills.find((s) => s.id === categoryId)?.name ?? categoryId;
}

const languages = new Intl.DisplayNames(["en"], { type: "language", fallback: "code" });

/** "nl" -> "Dutch"; an unknown code stays as it is. */
export function languageName(code: string): string {
  return languages.of(code) ?? code;
}
