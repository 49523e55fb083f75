import { expect, it } from "vitest";
import { localDate } from "#domain/kernel/time.ts";
import { runSchedule } from "../../../../infra/local/scheduler.ts";
import { manifest } from "../../../../infra/manifest.ts";
import { useTestCity } from "../../../support/city.ts";

const city = useTestCity();

it("stores today's member counts by status and area from the index", async () => {
  const entry = manifest.schedules.find((s) => s.name === "city-stats");
  if (!entry) throw new Error("city-stats schedule missing from the manifest");
  const zone = city.runtime.deps.city.timezone;
  // The run is dated by the clock while it runs: either side of a midnight it may have crossed.
  const before = localDate(new Date(), zone);
  await runSchedule(entry);
  const after = localDate(new Date(), zone);
  const stats =
    (await city.runtime.deps.stats.getSnapshot(after)) ?? (await city.runtime.deps.stats.getSnapshot(before));
  // The demo city: old-town has amira, dora and the kitchen active; fatou is pending in north-park.
  expect(stats?.membersByStatusAndArea.active).toEqual({
    "old-town": 3,
    "canal-side": 2,
    "north-park": 1,
    hillcrest: 1,
  });
  expect(stats?.membersByStatusAndArea.pending?.["north-park"]).toBe(1);
  expect(stats?.membersByStatusAndArea.suspended?.["old-town"]).toBe(0);
});
