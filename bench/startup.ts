import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { repoRoot } from "../infra/local/paths.ts";

const RUNS = 5;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

interface Run {
  toHealthMs: number;
  storeStartMs: number;
}

/** Starts `npm start` as a newcomer would and times it until GET /api/health first answers 200. */
async function once(dataDir: string): Promise<Run> {
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn("npm", ["start", "--silent"], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), MUTUA_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    for (;;) {
      if (performance.now() - started > 30_000) throw new Error(`no 200 on /health within 30 s:\n${output}`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) break;
      await sleep(5);
    }
    const toHealthMs = performance.now() - started;
    const storeStartMs = Number(/started in (\d+) ms/.exec(output)?.[1] ?? Number.NaN);
    return { toHealthMs, storeStartMs };
  } finally {
    // Ctrl-C, as a person would stop it: the whole process group gets SIGINT.
    if (child.pid) process.kill(-child.pid, "SIGINT");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function run(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), "mutua-startup-"));
  try {
    const firstRuns: Run[] = [];
    const laterRuns: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      // A first run creates the table and loads the demo city; a later run finds them.
      rmSync(join(dataDir, "riverside"), { recursive: true, force: true });
      firstRuns.push(await once(dataDir));
      laterRuns.push(await once(dataDir));
      console.error(`[bench] startup: run ${i + 1}/${RUNS}`);
    }
    const round = (n: number) => Math.round(n);
    return {
      runs: RUNS,
      firstStartToHealth200MsMedian: round(median(firstRuns.map((r) => r.toHealthMs))),
      firstStartToHealth200MsMax: round(Math.max(...firstRuns.map((r) => r.toHealthMs))),
      laterStartToHealth200MsMedian: round(median(laterRuns.map((r) => r.toHealthMs))),
      storeStartMsMedian: round(median([...firstRuns, ...laterRuns].map((r) => r.storeStartMs))),
      budgetMs: 10_000,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
