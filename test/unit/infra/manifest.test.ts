import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../../infra/local/paths.ts";
import { functionName, handlerModules, manifest } from "../../../infra/manifest.ts";

describe("the manifest", () => {
  it("points every entry at an existing handler module", () => {
    for (const module of handlerModules()) expect(existsSync(resolve(repoRoot, module)), module).toBe(true);
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
