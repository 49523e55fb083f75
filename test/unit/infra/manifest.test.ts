import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../../infra/local/paths.ts";
import {
  functionName,
  functionOf,
  functionPlans,
  handlerModules,
  type Manifest,
  manifest,
  routeKeyOf,
  tableAccessOf,
} from "../../../infra/manifest.ts";

describe("the manifest", () => {
  it("points every entry at an existing handler module", () => {
    for (const module of handlerModules()) expect(existsSync(resolve(repoRoot, module)), module).toBe(true);
  });

  it("keeps each route's handler in the folder named by its path's first segment", () => {
    // `GET /me/account` lives in functions/http/me/, not in a folder named after the feature, so
    // the handler of a URL is found from the URL alone. A one-route segment may be a single file.
    const misplaced = manifest.routes
      .filter((route) => {
        const segment = route.path.split("/")[1] ?? "";
        return (
          !route.handler.startsWith(`functions/http/${segment}/`) &&
          route.handler !== `functions/http/${segment}.ts`
        );
      })
      .map((route) => `${route.method} ${route.path} -> ${route.handler}`);
    expect(misplaced).toEqual([]);
  });

  it("declares each method and path once", () => {
    const keys = manifest.routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("gives every handler a distinct function name", () => {
    const names = handlerModules().map(functionName);
    expect(new Set(names).size).toBe(names.length);
    expect(functionName("functions/http/me.ts")).toBe("http-me");
  });

  it("keeps /health public and /me behind a token", () => {
    expect(manifest.routes.find((r) => r.path === "/health")?.auth).toBe(false);
    expect(manifest.routes.find((r) => r.path === "/me")?.auth).toBe(true);
  });
});

describe("the functions the manifest implies", () => {
  const plans = functionPlans();

  it("runs every handler module in exactly one function, with distinct function names", () => {
    const names = plans.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const handler of handlerModules()) {
      expect(
        plans.filter((p) => p.handlers.includes(handler)),
        handler,
      ).toHaveLength(1);
    }
  });

  it("routes every manifest route through its feature function by route key", () => {
    for (const route of manifest.routes) {
      const plan = plans.find((p) => p.name === functionOf(route.handler));
      expect(plan?.name.startsWith(`http-${route.fn}`), routeKeyOf(route)).toBe(true);
      expect(plan?.routes[routeKeyOf(route)], routeKeyOf(route)).toBe(route.handler);
      // Read-only routes run in a read-only function; a writing route never shares one with them.
      expect(plan?.access, routeKeyOf(route)).toBe(tableAccessOf(route.handler));
    }
    const routed = plans.flatMap((p) => Object.keys(p.routes));
    expect(routed).toHaveLength(manifest.routes.length);
    expect(functionOf(manifest.notFound.handler)).toBe(`http-${manifest.notFound.fn}`);
  });

  it("keeps one function per schedule", () => {
    for (const entry of manifest.schedules) {
      const plan = plans.find((p) => p.name === functionName(entry.handler));
      expect(plan?.handlers).toEqual([entry.handler]);
      expect(plan?.access).toBe(tableAccessOf(entry.handler));
    }
  });

  it("runs the stream consumers in at most two routers: the readers of the table's stream", () => {
    const readers = plans.filter((p) => p.trigger === "stream");
    expect(readers.map((p) => p.name)).toEqual(manifest.routers.map((r) => r.name));
    expect(readers.length).toBeLessThanOrEqual(2);
    for (const consumer of manifest.consumers) {
      const router = manifest.routers.find((r) => r.name === consumer.router);
      expect(router, `${consumer.name} names a router of the manifest`).toBeDefined();
      expect(functionOf(consumer.handler)).toBe(consumer.router);
      // A router takes batches at least as large as any of its consumers', so each consumer's size holds.
      expect(router?.batchSize).toBeGreaterThanOrEqual(consumer.batchSize);
    }
    expect(readers.flatMap((p) => p.handlers).sort()).toEqual(
      manifest.consumers.map((c) => c.handler).sort(),
    );
  });

  it("serves a feature's read-only routes from a read-only function of their own", () => {
    const readOnly = { method: "GET", path: "/a", handler: "a.ts", auth: true, access: "read" } as const;
    const writes = { method: "POST", path: "/b", handler: "b.ts", auth: true } as const;
    const scratch: Manifest = {
      routes: [
        { ...readOnly, fn: "posts" },
        { ...writes, fn: "posts" },
        { ...readOnly, path: "/c", handler: "c.ts", fn: "matching" },
      ],
      notFound: { handler: "nf.ts", fn: "public" },
      routers: [],
      consumers: [],
      events: [],
      schedules: [],
    };
    const access = Object.fromEntries(functionPlans(scratch).map((p) => [p.name, p.access]));
    expect(access).toEqual({
      "http-posts-read": "read",
      "http-posts": "readWrite",
      "http-matching": "read",
      "http-public": "read",
    });
  });
});
