import type { Deps } from "#domain/deps.ts";
import { localDate } from "#domain/kernel/time.ts";
import { memberStatuses } from "#domain/membership/member.ts";
import type { CityStats } from "./ports.ts";

/**
 * Counts members by status in every area of the city and stores the day's snapshot, so funder
 * reports read one item instead of counting. Runs on a schedule.
 */
export async function snapshotCityStats(
  deps: Pick<Deps, "city" | "clock" | "members" | "stats">,
): Promise<CityStats> {
  const now = deps.clock.now();
  const membersByStatusAndArea: CityStats["membersByStatusAndArea"] = {};
  for (const status of memberStatuses) {
    const counts: Record<string, number> = {};
    for (const area of deps.city.areas) counts[area.id] = await deps.members.countByStatus(status, area.id);
    membersByStatusAndArea[status] = counts;
  }
  const stats: CityStats = {
    date: localDate(now, deps.city.timezone),
    membersByStatusAndArea,
    takenAt: now.toISOString(),
  };
  await deps.stats.saveSnapshot(stats);
  return stats;
}
