import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseCityJson } from "#shared/config/city.ts";
import { ensureWebBuilt } from "../../web/build/web.ts";
import { manifest } from "../manifest.ts";
import { startupBanner } from "./banner.ts";
import { demoLogins } from "./demo.ts";
import { DevIssuer } from "./identity.ts";
import { dataDir, devIssuerKeyFile, repoRoot } from "./paths.ts";
import { startCityRuntime } from "./runtime.ts";
import { stopOnSignals } from "./shutdown.ts";

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

console.log(
  startupBanner({
    cityName: city.name,
    readyMs: performance.now() - started,
    url: runtime.url,
    webReady,
    store: runtime.store,
    dataDir: cityData,
    tableName: `mutua-${city.id}`,
    table: runtime.table,
    demoLoaded: runtime.demoIds !== undefined,
    manifest,
    localRoutes: runtime.localRoutes,
    logins: await demoLogins(runtime.deps),
  }),
);

stopOnSignals({ stop: () => runtime.stop() });
