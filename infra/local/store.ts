import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface Store {
  endpoint: string;
  /** Milliseconds from spawn to the first answered request; 0 when an external endpoint is used. */
  startMs: number;
  /** Whether this process spawned the store (false when DYNAMODB_ENDPOINT points elsewhere). */
  spawned: boolean;
  stop(): Promise<void>;
}

export interface StoreOptions {
  /** SQLite file for a persistent store; omitted means in-memory. */
  dbPath?: string;
  /** Honour DYNAMODB_ENDPOINT (default true); tests pass false to always get a private store. */
  useEnvironment?: boolean;
}

const PACKAGE = "@dynoxide/linux-x64";

/** Where the embedded store's binary is, or a message saying what to do instead. */
export function locateStoreBinary(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string | undefined;
  try {
    packageJson = require.resolve(`${PACKAGE}/package.json`);
  } catch {
    packageJson = undefined;
  }
  const binary = packageJson ? join(dirname(packageJson), "dynoxide") : undefined;
  if (!binary || !existsSync(binary)) {
    throw new Error(
      `The embedded DynamoDB-compatible store (${PACKAGE}) is not installed for ${process.platform}-${process.arch}.\n` +
        "It ships for linux-x64 only. Either run on linux-x64 (npm install pulls it in), or start any\n" +
        "DynamoDB-compatible endpoint yourself and set DYNAMODB_ENDPOINT=http://host:port.",
    );
  }
  return binary;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Any DynamoDB-shaped answer (even "missing authentication") means the server is serving. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.ListTables",
      },
      body: "{}",
    });
    await response.arrayBuffer();
    return response.status < 500;
  } catch {
    return false;
  }
}

// The store runs under a tiny shell guard holding a pipe to us: when this process ends in any
// way (Ctrl-C, test end, crash, SIGKILL) the pipe closes and the guard kills the store, so a store
// never outlives the command that started it (even in a process group of its own).
// (A background job's stdin is /dev/null in sh, hence the copy of the pipe on fd 3.)
const GUARD =
  'exec 3<&0; trap \'kill "$child" 2>/dev/null\' EXIT INT TERM; "$@" & child=$!; (cat <&3 >/dev/null; kill "$child" 2>/dev/null) & wait "$child"';

/**
 * Starts the embedded store on a free port (or uses DYNAMODB_ENDPOINT) and waits until it answers.
 * @throws Error when the binary is missing for this platform or the store does not come up.
 */
export async function startStore(options: StoreOptions = {}): Promise<Store> {
  const external = options.useEnvironment === false ? undefined : process.env.DYNAMODB_ENDPOINT;
  if (external) return { endpoint: external, startMs: 0, spawned: false, stop: async () => {} };

  const binary = locateStoreBinary();
  if (options.dbPath) mkdirSync(dirname(options.dbPath), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = ["serve", "--port", String(port), ...(options.dbPath ? ["--db-path", options.dbPath] : [])];
    const started = performance.now();
    // A process group of its own: Ctrl-C in a terminal signals the whole foreground group, and the
    // store must outlive it until the consumers have stopped (runtime.stop stops it last).
    const child = spawn("/bin/sh", ["-c", GUARD, "store-guard", binary, ...args], {
      stdio: ["pipe", "ignore", "pipe"],
      detached: true,
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const endpoint = `http://127.0.0.1:${port}`;
    const up = await waitUntilUp(endpoint, child);
    if (up) {
      const startMs = performance.now() - started;
      child.stderr?.removeAllListeners("data");
      child.stderr?.resume();
      return { endpoint, startMs, spawned: true, stop: () => stopChild(child) };
    }
    await stopChild(child);
    // Another process may have taken the port between probing and binding; try a new one.
    if (attempt >= 3) throw new Error(`The embedded store did not start: ${stderr.trim() || "no output"}`);
  }
}

async function waitUntilUp(endpoint: string, child: ChildProcess): Promise<boolean> {
  // A store that dies is noticed at once (exitCode); the deadline is only for one that hangs, so
  // it is generous: on a machine busy with other work the store's first answer may take seconds.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    if (await answers(endpoint)) return true;
    await sleep(10);
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // Closing the guard's stdin makes it kill the store and exit.
  child.stdin?.end();
  await Promise.race([exited, sleep(3000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
