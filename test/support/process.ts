import { type ChildProcess, spawn } from "node:child_process";

/** A command started in a process group of its own, as a terminal starts it, with its output kept. */
export interface Started {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when `text` has appeared on stdout; rejects if the process ends first. */
  printed(text: string): Promise<void>;
  /**
   * Sends a signal to the whole group, as Ctrl-C in a terminal does, and waits for the exit: its
   * code, or the signal it ended on (npm re-raises the Ctrl-C it got once its script has ended).
   */
  interrupt(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends whatever is left of the group (for cleanup after a failure). */
  kill(): void;
}

/**
 * Starts a command detached in its own process group. Waiting is on output and exit, never on the
 * clock: the caller's test or hook timeout is the only bound.
 */
export function start(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Started {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  let err = "";
  const waiters: (() => void)[] = [];
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString();
  });
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // "close", not "exit": npm may end before the process it started (both got the signal), and
    // the command has ended only when nothing of it holds its output open any more.
    child.once("close", (code, signal) => {
      ended = true;
      for (const wake of waiters.splice(0)) wake();
      resolve({ code, signal });
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async printed(text) {
      while (!out.includes(text)) {
        if (ended) {
          throw new Error(`process ended before printing "${text}":\n${out}\n${err}`);
        }
        await new Promise<void>((wake) => waiters.push(wake));
      }
    },
    async interrupt(signal = "SIGINT") {
      if (child.pid && !ended) process.kill(-child.pid, signal);
      return exited;
    },
    kill() {
      if (child.pid && !ended) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
  };
}
