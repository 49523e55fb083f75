import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { repoRoot } from "../../infra/local/paths.ts";
import { type Started, start } from "../support/process.ts";

/**
 * Runs every `bash` block of the README, as written and in order, against `npm start`: the README cannot promise
 * what the product does not do. Every request must succeed except the ones the README shows failing.
 */
const run = promisify(execFile);
let city: Started | undefined;
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
  const file = join(dataDir, "city.json");
  const example = JSON.parse(readFileSync(resolve(repoRoot, "cities/example.json"), "utf8"));
  example.notifications.quietHours = { start: "00:00", end: "00:00" };
  writeFileSync(file, JSON.stringify(example));
  return file;
}

beforeAll(async () => {
  port = await freePort();
  city = start("npm", ["start", "--silent", "--", "--city", daytimeCity()], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), MUTUA_DATA_DIR: dataDir, DYNAMODB_ENDPOINT: "" },
  });
  // Ready when it says so, however long that takes on a busy machine.
  await city.printed("Press Ctrl-C to stop.");
});

afterAll(async () => {
  await city?.interrupt();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Resolves once the outbox holds a message to `to`, read as the member it is sent to (the outbox
 * shows each member their own mail): the stream delivers it when it does.
 */
async function emailTo(handle: string, to: string): Promise<unknown> {
  const { stdout: token } = await run("npm", ["run", "-s", "token", "--", handle], {
    cwd: repoRoot,
    env: { ...process.env, MUTUA_DATA_DIR: dataDir },
  });
  const headers = { authorization: `Bearer ${token.trim()}` };
  for (;;) {
    const outbox = (await (await fetch(`http://127.0.0.1:${port}/api/outbox`, { headers })).json()) as {
      messages: { to: string }[];
    };
    const message = outbox.messages.find((m) => m.to === to);
    if (message) return message;
    await new Promise<void>((next) => setImmediate(next));
  }
}

function walkthrough(): string {
  const readme = readFileSync(resolve(repoRoot, "README.md"), "utf8");
  // Every `bash` block is part of the walkthrough and runs in order; `sh` blocks are not run here.
  const blocks = [...readme.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  expect(blocks.length).toBeGreaterThan(3);
  return blocks.join("\n");
}

it("the walkthrough reaches the API through one variable that honours PORT", () => {
  const script = walkthrough();
  // No curl names a port: `npm start` on another PORT (as here) must work as written.
  expect(script.match(/localhost:\d+/g) ?? []).toEqual([]);
  const apiLine = 'API="http://localhost:$' + '{PORT:-3000}/api"'; // a shell default, not a JS template
  expect(script.match(/^API=\S*/gm)).toEqual([apiLine]);
});

it("the README's curl walkthrough works as written", async () => {
  // Each curl reports its status on stderr, leaving stdout to the pipes the README uses.
  const script = `set -euo pipefail
curl() { command curl -sS -w '%{stderr}@@status %{http_code} %{url_effective}\\n' "$@"; }
${walkthrough()}`;
  const { stdout, stderr } = await run("bash", ["-c", script], {
    cwd: repoRoot,
    // The README's curl lines reach the API at localhost:${PORT:-3000}/api.
    env: { ...process.env, PORT: String(port), MUTUA_DATA_DIR: dataDir },
    maxBuffer: 10 * 1024 * 1024,
  });
  const statuses = [...stderr.matchAll(/@@status (\d+) (\S+)/g)].map((m) => ({
    status: Number(m[1]),
    url: m[2],
  }));
  expect(statuses.length).toBeGreaterThan(10);
  const failures = statuses.filter((s) => s.status >= 400);
  // Only the README's deliberate bad-input example fails, with the field named.
  expect(failures).toEqual([{ status: 400, url: `http://localhost:${port}/api/me/profile` }]);
  expect(stdout).toContain('"path":"home.lat"');
  // The posts example: the request is found by category and distance (create, search, my posts).
  expect(stdout.split("Turn over two raised beds").length - 1).toBeGreaterThanOrEqual(3);
  expect(stdout.split("Dutch conversation over coffee").length - 1).toBeGreaterThanOrEqual(2);
  // The matching example: Amira is told about Ben's request, with the reasons, and by email (the
  // last hop of the stream, which the README does not wait for).
  expect(stdout).toContain("offers Gardening (vegetables)");
  expect(await emailTo("amira", "amira@example.org")).toMatchObject({ channel: "email" });
  // The ledger example: Ben finds Amira's proposal in his inbox; the exchange settled once (the
  // retried confirmation answers the same).
  expect(stdout).toContain('"kind":"exchange-proposed"');
  expect(stdout.match(/"status":"settled"/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
  expect(stdout).toContain("Repair café");
  // The schedules example: the daily audit, run now through the running city, finds it sound.
  expect(stdout).toContain("ledger audit passed");
});
