import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { demoMembers } from "../../infra/local/demo.ts";
import { repoRoot } from "../../infra/local/paths.ts";
import { type Started, start } from "../support/process.ts";

/**
 * `npm start` as a newcomer meets it: the banner it prints, and Ctrl-C. Each start gets a data
 * folder of its own and a free port.
 */
const scratch = mkdtempSync(join(tmpdir(), "mutua-start-"));
const running: Started[] = [];
afterEach(async () => {
  for (const city of running.splice(0)) await city.interrupt();
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function npmStart(name: string, ...args: string[]): Started {
  const city = start("npm", ["start", "--silent", "--", ...args], {
    cwd: repoRoot,
    env: { ...process.env, PORT: "0", MUTUA_DATA_DIR: join(scratch, name), DYNAMODB_ENDPOINT: "" },
  });
  running.push(city);
  return city;
}

const banner = async (city: Started) => {
  await city.printed("Press Ctrl-C to stop.");
  return city.stdout();
};
const tokensLine = (text: string) => text.split("\n").find((line) => line.trim().startsWith("tokens")) ?? "";
const people = demoMembers.filter((m) => m.kind === "person").map((m) => m.handle);
const organisations = demoMembers.filter((m) => m.kind === "organisation").map((m) => m.handle);

describe("npm start", () => {
  it("offers the demo's people to sign in as, never an organisation, and shows /api/openapi.json", async () => {
    const city = npmStart("demo");
    const text = await banner(city);
    const tokens = tokensLine(text);
    for (const handle of people) expect(tokens).toMatch(new RegExp(`\\b${handle}\\b`));
    for (const handle of organisations) expect(tokens).not.toMatch(new RegExp(`\\b${handle}\\b`));
    expect(text).toMatch(/GET\s+\/api\/openapi\.json/);
    // Ctrl-C at once, while the demo load still flows through the stream consumers: a quiet stop.
    const exit = await city.interrupt();
    expect(city.stdout()).toContain("Mutua stopped.");
    expect(exit.code === 0 || exit.signal === "SIGINT").toBe(true);
    expect(city.stderr()).not.toMatch(/ECONNREFUSED|"level":"error"|threw|poller error|parked/i);
  });

  it("with --empty on a new city, offers no demo member and says how to sign in", async () => {
    const text = await banner(npmStart("empty", "--empty"));
    const tokens = tokensLine(text);
    expect(tokens).toContain("npm run token -- <name>");
    for (const handle of [...people, ...organisations])
      expect(tokens).not.toMatch(new RegExp(`\\b${handle}\\b`));
    expect(text).toMatch(/GET\s+\/api\/openapi\.json/);
  });
});
