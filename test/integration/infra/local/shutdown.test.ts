import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { repoRoot } from "../../../../infra/local/paths.ts";
import { start } from "../../../support/process.ts";

const scratch = mkdtempSync(join(tmpdir(), "mutua-shutdown-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it("Ctrl-C with a stream consumer mid-flight: it finishes against a live store, nothing is logged as failed or stored for replay", async () => {
  const city = start(process.execPath, ["--import", "tsx", "test/fixtures/slow-consumer-city.ts", scratch], {
    cwd: repoRoot,
    env: { ...process.env, DYNAMODB_ENDPOINT: "" },
  });
  try {
    await city.printed("consumer mid-flight");
    // Ctrl-C in a terminal signals the whole process group, store included.
    const { code } = await city.interrupt("SIGINT");
    expect(city.stdout()).toMatch(/consumer finished: read \S+/);
    expect(city.stderr()).not.toMatch(/ECONNREFUSED|"level":"error"|threw|poller error|parked/i);
    expect(city.stdout() + city.stderr()).not.toContain("stored for replay");
    expect(city.stdout()).toContain("Mutua stopped.");
    expect(code).toBe(0);
  } finally {
    city.kill();
  }
});
