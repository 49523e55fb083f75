import { parseArgs } from "node:util";
import { manifest } from "../manifest.ts";
import { type AttachedCity, attachToLocalCity } from "./attach.ts";
import { runSchedule } from "./scheduler.ts";

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

let attached: AttachedCity;
try {
  attached = await attachToLocalCity(values.city);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const { city, where } = attached;

const started = performance.now();
let failed = false;
try {
  // The handler logs what it did (one JSON line); this line says where and how long.
  await runSchedule(entry, { manual: true });
  console.log(
    `Ran ${entry.name} once against ${city.name} through ${where} in ${(performance.now() - started).toFixed(0)} ms.`,
  );
  if (!attached.running) {
    console.log(
      "The stream consumers (matching, email and SMS notices) take up its changes at the next npm start.",
    );
  }
} catch (error) {
  failed = true;
  console.error(`${entry.name} failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await attached.close();
}
process.exit(failed ? 1 : 0);
