import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startStore } from "../../../../infra/local/store.ts";
import { startTestCity } from "../../../support/city.ts";

const scratch = mkdtempSync(join(tmpdir(), "mutua-store-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function storeProcessesOn(endpoint: string): string[] {
  const port = new URL(endpoint).port;
  let out = "";
  try {
    out = execFileSync("pgrep", ["-af", `dynoxide serve --port ${port}`], { encoding: "utf8" });
  } catch {
    out = "";
  }
  return out.split("\n").filter((line) => line.includes("dynoxide serve") && !line.includes("pgrep"));
}

describe("embedded store", () => {
  it("starts on a free port and leaves no process behind when stopped", async () => {
    const store = await startStore({ useEnvironment: false });
    expect(store.spawned).toBe(true);
    expect(storeProcessesOn(store.endpoint).length).toBeGreaterThan(0);
    await store.stop();
    expect(storeProcessesOn(store.endpoint)).toEqual([]);
  });

  it("uses DYNAMODB_ENDPOINT instead of spawning when it is set", async () => {
    const previous = process.env.DYNAMODB_ENDPOINT;
    process.env.DYNAMODB_ENDPOINT = "http://127.0.0.1:1";
    try {
      const store = await startStore();
      expect(store).toMatchObject({ endpoint: "http://127.0.0.1:1", spawned: false });
    } finally {
      if (previous === undefined) delete process.env.DYNAMODB_ENDPOINT;
      else process.env.DYNAMODB_ENDPOINT = previous;
    }
  });

  it("keeps a persisted city across restarts and loads the demo only the first time", async () => {
    const dbPath = join(scratch, "city.db");
    const first = await startTestCity({ dbPath });
    expect(first.runtime.table).toBe("created");
    const before = await first.call("GET", "/me", { as: "ben" });
    await first.stop();

    const second = await startTestCity({ dbPath });
    try {
      expect(second.runtime.table).toBe("unchanged");
      expect(second.runtime.demoIds).toBeUndefined();
      const after = await second.call("GET", "/me", { as: "ben" });
      expect(after.status).toBe(200);
      expect(after.body).toEqual(before.body);
    } finally {
      await second.stop();
    }
  });
});
