import type { Match } from "../api/types.ts";
import { categoryName, locale, t } from "../i18n/index.ts";

/**
 * Why a match was made, in the reader's language. The API's reasons are written in English, so in
 * other languages they are told from the score's parts; English readers get the API's own words.
 */
export function reasons(match: Match): string[] {
  if (locale.value === "en" && match.why.length) return match.why;
  const p = (name: string) => match.parts[name] ?? 0;
  const out: string[] = [];
  if (p("skill") >= 0.6) out.push(t("why.skill", { category: categoryName(match.category) }));
  else if (p("skill") > 0) out.push(t("why.tags"));
  if (p("distance") >= 0.7) out.push(t("why.near"));
  if (p("availability") > 0.5) out.push(t("why.times"));
  if (p("language") >= 1) out.push(t("why.language"));
  if (p("trust") > 0.6) out.push(t("why.metBefore"));
  if (p("reciprocity") > 0.6) out.push(t("why.balance"));
  return out.length ? out : [t("why.general")];
}

export function matchStatusText(status: Match["status"]): string {
  return t(`matchStatus.${status}`);
}

/** The exchange a match leads to: who gives and who receives follows the post's kind. */
export function proposeLink(match: Match, meId: string): string {
  const params = new URLSearchParams({ postId: match.postId, matchId: match.matchId });
  if (match.postOwnerId === meId) params.set("with", match.candidateId);
  return `/exchanges/new?${params}`;
}
