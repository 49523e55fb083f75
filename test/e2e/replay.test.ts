import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { newMember } from "#domain/membership/member.ts";
import { DevIssuer } from "../../infra/local/identity.ts";
import { repoRoot } from "../../infra/local/paths.ts";
import { type CityRuntimeOptions, startCityRuntime } from "../../infra/local/runtime.ts";
import { manifest } from "../../infra/manifest.ts";
import { productionFailureStore } from "../../shared/data/stream-failure-repository.ts";
import { exampleCity } from "../support/city.ts";

/**
 * A consumer made to fail stores its record in the failure store; after the fix, `npm run replay`
 * delivers it once, and a second replay finds nothing to deliver.
 */
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), "mutua-replay-"));
const city = exampleCity();
const cityData = join(scratch, city.id);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function replay(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "replay", "--", ...args], {
      cwd: repoRoot,
      env: { ...process.env, MUTUA_DATA_DIR: scratch, DYNAMODB_ENDPOINT: "" },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, out: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

/** The local city as npm start keeps it (same folder, store file and table), without its server's demo. */
async function openCity(overrides: Partial<CityRuntimeOptions> = {}) {
  return startCityRuntime({
    city,
    issuer: await DevIssuer.ephemeral(),
    port: 0,
    tableName: `mutua-${city.id}`,
    dbPath: join(cityData, "store.db"),
    dataDir: cityData,
    demo: false,
    useEnvironmentEndpoint: false,
    pollStreams: false,
    schedules: false,
    ...overrides,
  });
}

it("stores what a failing consumer could not handle, and npm run replay delivers it once", async () => {
  // The audit trail's consumer is broken: its every record fails.
  const broken = await openCity({
    routerOptions: { pause: async () => {} },
    manifest: {
      ...manifest,
      consumers: manifest.consumers.map((c) =>
        c.name === "audit-trail" ? { ...c, handler: "test/fixtures/broken-consumer.ts" } : c,
      ),
    },
  });
  const now = new Date().toISOString();
  const greta = newMember({
    memberId: "m-greta",
    kind: "person",
    displayName: "Greta Maes",
    status: "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: "north-park",
    languages: ["nl"],
    createdAt: now,
    updatedAt: now,
  });
  try {
    await broken.deps.members.create(greta, undefined);
    await broken.poller.drain();
    expect(await productionFailureStore().failures.count()).toEqual({ "audit-trail": 1 });
    expect(await broken.deps.audit.listForSubject(greta.memberId)).toEqual([]);
  } finally {
    await broken.stop();
  }

  const listed = await replay("--list");
  expect(listed.code, listed.out).toBe(0);
  expect(listed.out).toContain("audit-trail#");
  expect(listed.out).toContain("the audit store is unreachable");
  expect(listed.out).toContain("1 for audit-trail");

  // The fix is the real consumer (the manifest's), which the command runs.
  const first = await replay();
  expect(first.code, first.out).toBe(0);
  expect(first.out).toMatch(/1 delivered, 0 failed again, 0 skipped\. Still waiting: nothing\./);
  const second = await replay();
  expect(second.code, second.out).toBe(0);
  expect(second.out).toMatch(/0 delivered, 0 failed again, 0 skipped\. Still waiting: nothing\./);

  const after = await openCity();
  try {
    const trail = await after.deps.audit.listForSubject(greta.memberId);
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ target: "Member", change: "created" });
  } finally {
    await after.stop();
  }
});
