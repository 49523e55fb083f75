export const radii = ["1", "3", "5", "10"];

/** The search as it stands in the address, so Back and a shared link give the same results. */
export interface SearchQuery {
  q?: string;
  kind?: "offer" | "request";
  category?: string;
  near?: string;
  radiusKm?: number;
}

export function searchQuery(query: Record<string, string>): SearchQuery {
  const kind = query.kind;
  return {
    ...(query.q ? { q: query.q } : {}),
    ...(kind === "offer" || kind === "request" ? { kind } : {}),
    ...(query.category ? { category: query.category } : {}),
    ...(query.radiusKm && radii.includes(query.radiusKm)
      ? { near: "home", radiusKm: Number(query.radiusKm) }
      : {}),
  };
}
