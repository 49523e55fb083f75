import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../infra/local/paths.ts";
import { manifest } from "../../infra/manifest.ts";
import { type Started, start } from "../support/process.ts";

/**
 * `npm run schedule -- <name>` runs one schedule once against the local city, with the handler
 * module its timer runs: while `npm start` runs on the same data (through its store), and when it
 * does not (on a store of its own over the same files).
 */
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "mutua-schedule-"));
const env = { ...process.env, MUTUA_DATA_DIR: scratch, DYNAMODB_ENDPOINT: "" };
let city: Started | undefined;
afterAll(async () => {
  await city?.interrupt();
  rmSync(scratch, { recursive: true, force: true });
});

async function schedule(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "schedule", "--", ...args], {
      cwd: repoRoot,
      env,
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, out: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

describe("npm run schedule", () => {
  it.each([[[]], [["no-such-schedule"]]])(
    "with %j lists every schedule of the manifest and fails",
    async (args) => {
      const { code, out } = await schedule(...args);
      expect(code).not.toBe(0);
      for (const entry of manifest.schedules) expect(out).toContain(entry.name);
      if (args[0]) expect(out).toContain(`No schedule named ${args[0]}`);
    },
    120_000,
  );

  it("runs a schedule once against the running city's data, and says what it did", async () => {
    city = start("npm", ["start", "--silent"], { cwd: repoRoot, env: { ...env, PORT: "0" } });
    await city.printed("Press Ctrl-C to stop.");
    // The audit re-derives every balance: it can only count the demo's transfers by reading the
    // running city's own store.
    const { code, out } = await schedule("ledger-audit");
    expect(code, out).toBe(0);
    expect(out).toContain("ledger audit passed");
    expect(out).toMatch(/"transfers":[1-9]/);
    expect(out).toMatch(/ran ledger-audit once against .*npm start/i);
    // npm start is unharmed and still serves.
    const url = /api\s+(\S+)/.exec(city.stdout())?.[1] ?? "";
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it("runs against the stored city on a store of its own when npm start is not running", async () => {
    await city?.interrupt();
    city = undefined;
    const { code, out } = await schedule("city-stats");
    expect(code, out).toBe(0);
    expect(out).toContain("city stats snapshot stored");
    expect(out).toMatch(/ran city-stats once against .*own store/i);
  });

  it("is listed in the README with what each schedule does", () => {
    const readme = readFileSync(resolve(repoRoot, "README.md"), "utf8");
    expect(readme).toContain("npm run schedule -- <name>");
    for (const entry of manifest.schedules)
      expect(readme).toMatch(new RegExp(`\\| \`${entry.name}\`\\s+\\|`));
  });
});
