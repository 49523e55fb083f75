import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type City, parseCityJson } from "#shared/config/city.ts";
import { manifest } from "../manifest.ts";
import { dataDir, repoRoot } from "./paths.ts";
import { findRunning } from "./running.ts";
import { pointHandlersAt } from "./runtime.ts";
import { runSchedule } from "./scheduler.ts";
import { type Store, startStore } from "./store.ts";

/**
 * `npm run schedule -- <name>`: runs one schedule of the manifest once, now, against the local
 * city, with the handler module its timer runs. While `npm start` runs on the same data it goes
 * through that store; otherwise it opens the stored city on a store of its own.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { city: { type: "string", default: "cities/example.json" } },
});

const name = positionals[0];
const entry = manifest.schedules.find((s) => s.name === name);
if (!entry) {
  if (name) console.error(`No schedule named ${name}.\n`);
  console.error(
    "Usage: npm run schedule -- <name> [--city cities/<file>.json]   runs one schedule once, now\n",
  );
  console.error("Schedules:");
  for (const s of manifest.schedules) {
    console.error(`  ${s.name.padEnd(22)} every ${String(s.everyMinutes).padStart(5)} min  ${s.about}`);
  }
  process.exit(2);
}

let city: City;
try {
  city = parseCityJson(readFileSync(resolve(repoRoot, values.city), "utf8"), values.city);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const cityData = join(dataDir, city.id);
const running = findRunning(cityData);
let store: Store | undefined;
let where: string;
if (running) {
  // The running process's own city (it may have been started with another file of the same id).
  city = running.city;
  pointHandlersAt({
    tableName: running.tableName,
    endpoint: running.endpoint,
    city,
    outboxFile: join(cityData, "outbox.jsonl"),
  });
  where = `the running npm start (${running.url})`;
} else {
  const dbPath = join(cityData, "store.db");
  if (!process.env.DYNAMODB_ENDPOINT && !existsSync(dbPath)) {
    console.error(`There is no local city ${city.id} in ${cityData} yet: run npm start first.`);
    process.exit(1);
  }
  store = await startStore({ dbPath });
  pointHandlersAt({
    tableName: `mutua-${city.id}`,
    endpoint: store.endpoint,
    city,
    outboxFile: join(cityData, "outbox.jsonl"),
  });
  where = store.spawned
    ? `its own store over ${dbPath} (npm start is not running)`
    : `the store at ${store.endpoint}`;
}

const started = performance.now();
let failed = false;
try {
  // The handler logs what it did (one JSON line); this line says where and how long.
  await runSchedule(entry);
  console.log(
    `Ran ${entry.name} once against ${city.name} through ${where} in ${(performance.now() - started).toFixed(0)} ms.`,
  );
  if (!running) {
    console.log(
      "The stream consumers (matching, email and SMS notices) take up its changes at the next npm start.",
    );
  }
} catch (error) {
  failed = true;
  console.error(`${entry.name} failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await store?.stop();
}
process.exit(failed ? 1 : 0);
