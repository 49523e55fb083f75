import path from "node:path";
import type { StreamConsumerEntry } from "../manifest.ts";
import { generatedEntriesDir, specifier, writeEntry } from "./http-entry.ts";

const ROUTER_MODULE = "functions/streams/router-handler.ts";

/**
 * The entry module of the stream router function: it imports every consumer's handler module and
 * hands them, with their manifest entries (filters, batch sizes, attempts, replay), to the router.
 * Generated from the manifest, so the consumers stay the modules the local poller loads directly.
 */
export function streamRouterSource(
  routerName: string,
  consumers: readonly StreamConsumerEntry[],
  fromDir: string,
): string {
  const handlers = [...new Set(consumers.map((c) => c.handler))];
  const local = new Map(handlers.map((handler, i) => [handler, `consumer${i}`]));
  return [
    `// Generated from infra/manifest.ts for the ${routerName} function; do not edit.`,
    `import { streamRouterHandler } from ${JSON.stringify(specifier(fromDir, ROUTER_MODULE))};`,
    ...handlers.map(
      (handler) =>
        `import { handler as ${local.get(handler)} } from ${JSON.stringify(specifier(fromDir, handler))};`,
    ),
    "",
    "export const handler = streamRouterHandler([",
    ...consumers.map(
      (entry) => `  { entry: ${JSON.stringify(entry)}, handler: ${local.get(entry.handler)} },`,
    ),
    "]);",
    "",
  ].join("\n");
}

/** Writes the stream router's entry module (only when its text changed) and returns its path. */
export function writeStreamRouterEntry(
  routerName: string,
  consumers: readonly StreamConsumerEntry[],
  dir: string = generatedEntriesDir,
): string {
  return writeEntry(path.join(dir, `${routerName}.ts`), streamRouterSource(routerName, consumers, dir));
}
