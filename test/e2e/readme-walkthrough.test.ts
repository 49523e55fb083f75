import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { repoRoot } from "../../infra/local/paths.ts";

/**
 * Runs every `bash` block of the README, as written and in order, against `npm start`: the README cannot promise
 * what the product does not do. Every request must succeed except the ones the README shows failing.
 */
const run = promisify(execFile);
let child: ReturnType<typeof spawn> | undefined;
let port = 0;
const dataDir = mkdtempSync(join(tmpdir(), "mutua-readme-"));

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * The example city with its quiet hours emptied: in them (21:00-08:00 there) a match notice waits
 * for the morning digest and no email goes out, so the walkthrough would depend on the hour.
 */
function daytimeCity(): string {
  const city = JSON.parse(readFileSync(resolve(repoRoot, "cities/example.json"), "utf8"));
  city.notifications.quietHours = { start: "00:00", end: "00:00" };
  const file = join(dataDir, "city.json");
  writeFileSync(file, JSON.stringify(city));
  return file;
}

beforeAll(async () => {
  port = await freePort();
  child = spawn("npm", ["start", "--silent", "--", "--city", daytimeCity()], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), MUTUA_DATA_DIR: dataDir },
    stdio: "ignore",
    detached: true,
  });
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(50);
  }
  throw new Error("npm start did not answer /health within 15 s");
}, 30_000);

afterAll(async () => {
  if (child?.pid) {
    process.kill(-child.pid, "SIGINT");
    await new Promise((done) => child?.once("exit", done));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

function walkthrough(): string {
  const readme = readFileSync(resolve(repoRoot, "README.md"), "utf8");
  // Every `bash` block is part of the walkthrough and runs in order; `sh` blocks are not run here.
  const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  expect(blocks.length).toBeGreaterThan(3);
  return blocks.join("\n").replaceAll("localhost:3000", `localhost:${port}`);
}

it("the README's curl walkthrough works as written", async () => {
  // Each curl reports its status on stderr, leaving stdout to the pipes the README uses.
  const script = `set -euo pipefail
curl() { command curl -sS -w '%{stderr}@@status %{http_code} %{url_effective}\\n' "$@"; }
${walkthrough()}`;
  const { stdout, stderr } = await run("bash", ["-c", script], {
    cwd: repoRoot,
    env: { ...process.env, MUTUA_DATA_DIR: dataDir },
    maxBuffer: 10 * 1024 * 1024,
  });
  const statuses = [...stderr.matchAll(/@@status (\d+) (\S+)/g)].map((m) => ({
    status: Number(m[1]),
    url: m[2],
  }));
  expect(statuses.length).toBeGreaterThan(10);
  const failures = statuses.filter((s) => s.status >= 400);
  // Only the README's deliberate bad-input example fails, with the field named.
  expect(failures).toEqual([{ status: 400, url: `http://localhost:${port}/me/profile` }]);
  expect(stdout).toContain('"path":"home.lat"');
  // The posts example: the request is found by category and distance (create, search, my posts).
  expect(stdout.split("Turn over two raised beds").length - 1).toBeGreaterThanOrEqual(3);
  expect(stdout.split("Dutch conversation over coffee").length - 1).toBeGreaterThanOrEqual(2);
  // The matching example: Amira is told about Ben's request, with the reasons, and by email.
  expect(stdout).toContain("offers Gardening (vegetables)");
  expect(stdout).toContain('"to":"amira@example.org"');
  // The ledger example: Ben finds Amira's proposal in his inbox; the exchange settled once (the
  // retried confirmation answers the same).
  expect(stdout).toContain('"kind":"exchange-proposed"');
  expect(stdout.match(/"status":"settled"/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  expect(stdout).toContain("Repair café");
}, 60_000);
