/**
 * Stops the runtime once on Ctrl-C (SIGINT) or SIGTERM, then exits: a second signal while stopping
 * changes nothing.
 */
export function stopOnSignals(
  runtime: { stop(): Promise<void> },
  say: (line: string) => void = console.log,
): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping Mutua…`);
    await runtime.stop();
    say("Mutua stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}
