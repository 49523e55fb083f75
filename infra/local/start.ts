import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseCityJson } from "../../shared/config/city.ts";
import { ensureWebBuilt } from "../../web/build/web.ts";
import { manifest } from "../manifest.ts";
import { demoMembers } from "./demo.ts";
import { DevIssuer } from "./identity.ts";
import { dataDir, devIssuerKeyFile, repoRoot } from "./paths.ts";
import { startCityRuntime } from "./runtime.ts";

const { values } = parseArgs({
  options: {
    empty: { type: "boolean", default: false },
    city: { type: "string", default: "cities/example.json" },
  },
});

const started = performance.now();
const cityFile = resolve(repoRoot, values.city);
let city: ReturnType<typeof parseCityJson>;
try {
  city = parseCityJson(readFileSync(cityFile, "utf8"), values.city);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const port = Number(process.env.PORT ?? 3000);
const cityData = join(dataDir, city.id);

// A fresh clone has no built app: build it now (a few seconds, once), so `npm start` is all it takes.
let webReady = true;
try {
  await ensureWebBuilt((line) => console.log(line));
} catch (error) {
  webReady = false;
  console.error(
    `The web app could not be built; the API still runs.\n${error instanceof Error ? error.message : String(error)}`,
  );
}

const runtime = await startCityRuntime({
  city,
  issuer: await DevIssuer.fromFile(devIssuerKeyFile),
  port,
  tableName: `mutua-${city.id}`,
  dbPath: join(cityData, "store.db"),
  dataDir: cityData,
  demo: !values.empty,
  onRequest: ({ method, path, status, ms }) =>
    console.log(`${method} ${path} -> ${status} (${ms.toFixed(0)} ms)`),
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

const lines = [
  `Mutua — ${city.name} is running locally (ready in ${(performance.now() - started).toFixed(0)} ms)`,
  `  store     ${runtime.store.spawned ? `embedded, ${runtime.store.endpoint}, started in ${runtime.store.startMs.toFixed(0)} ms, data in ${cityData}` : `external, ${runtime.store.endpoint}`}`,
  `  table     mutua-${city.id} (${runtime.table})${runtime.demoIds ? ", demo city loaded" : ""}`,
  `  web app   ${webReady ? `${runtime.url}/` : "not built (see the error above)"}`,
  `  api       ${runtime.url}/api   (contract: ${runtime.url}/api/openapi.json)`,
  ...manifest.routes.map(
    (r) => `              ${r.method.padEnd(6)} ${r.path}${r.auth ? "  (bearer token)" : ""}`,
  ),
  `  streams   ${manifest.consumers.map((c) => c.name).join(", ") || "none"}`,
  `  schedules ${manifest.schedules.map((s) => `${s.name} every ${s.everyMinutes} min`).join(", ") || "none"}`,
  `  tokens    npm run token -- <member>   (members: ${demoMembers.map((m) => m.handle).join(", ")})`,
  "",
  webReady ? `Open ${runtime.url}/ in a browser to use the time bank.` : "",
  "Press Ctrl-C to stop.",
];
console.log(lines.join("\n"));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping Mutua…`);
  await runtime.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
