import { expect, it } from "vitest";
import { demoPosts, seedDemoPosts } from "../../../../infra/local/demo-posts.ts";
import { useTestCity } from "../../../support/city.ts";

const city = useTestCity();

it("posts the demo offers and requests through the use-case, as their members", async () => {
  const ids = city.runtime.demoIds ?? {};
  const postIds = await seedDemoPosts(city.runtime.deps, ids);
  expect(postIds).toHaveLength(demoPosts.length);
  const soup = await city.runtime.deps.posts.get(postIds[1] ?? "");
  expect(soup).toMatchObject({ ownerId: ids.kitchen, createdBy: ids.amira, capacity: 6, status: "open" });

  const near = await city.call("GET", "/posts?near=home&radiusKm=3", { as: "amira" });
  expect(near.status).toBe(200);
  const titles = (near.body as { items: { title: string }[] }).items.map((i) => i.title);
  expect(titles).toContain("Volunteers for the Saturday soup kitchen");
  const online = await city.call("GET", "/posts?where=online", { as: "ben" });
  expect((online.body as { items: unknown[] }).items).toHaveLength(2);
  const hospital = await city.call("GET", "/posts?q=hospital", { as: "chen" });
  expect((hospital.body as { items: { title: string }[] }).items.map((i) => i.title)).toEqual([
    "Lift to the hospital on Tuesdays",
  ]);
});
