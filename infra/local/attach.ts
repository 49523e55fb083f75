import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type City, parseCityJson } from "../../shared/config/city.ts";
import { dataDir, repoRoot } from "./paths.ts";
import { findRunning } from "./running.ts";
import { pointHandlersAt } from "./runtime.ts";
import { type Store, startStore } from "./store.ts";

export interface AttachedCity {
  city: City;
  /** Whether `npm start` is running on this data (its store is used). */
  running: boolean;
  /** Where the command works, in words: "the running npm start (http://...)" or "its own store over ...". */
  where: string;
  /** Stops the store this command opened, if it opened one. */
  close(): Promise<void>;
}

/**
 * Points this process's handler modules at the local city, for a one-off command (`npm run
 * schedule`, `npm run replay`): through the running `npm start`'s store when there is one,
 * otherwise on a store of its own over the same files.
 * @throws Error (with the message to show) when the city file is bad or the city was never started.
 */
export async function attachToLocalCity(cityFile: string): Promise<AttachedCity> {
  let city = parseCityJson(readFileSync(resolve(repoRoot, cityFile), "utf8"), cityFile);
  const cityData = join(dataDir, city.id);
  const outboxFile = join(cityData, "outbox.jsonl");
  const exportDir = join(cityData, "exports");
  const running = findRunning(cityData);
  if (running) {
    // The running process's own city (it may have been started with another file of the same id).
    city = running.city;
    pointHandlersAt({
      tableName: running.tableName,
      endpoint: running.endpoint,
      city,
      outboxFile,
      exportDir,
    });
    return {
      city,
      running: true,
      where: `the running npm start (${running.url})`,
      close: async () => {},
    };
  }
  const dbPath = join(cityData, "store.db");
  if (!process.env.DYNAMODB_ENDPOINT && !existsSync(dbPath)) {
    throw new Error(`There is no local city ${city.id} in ${cityData} yet: run npm start first.`);
  }
  const store: Store = await startStore({ dbPath });
  pointHandlersAt({ tableName: `mutua-${city.id}`, endpoint: store.endpoint, city, outboxFile, exportDir });
  return {
    city,
    running: false,
    where: store.spawned
      ? `its own store over ${dbPath} (npm start is not running)`
      : `the store at ${store.endpoint}`,
    close: () => store.stop(),
  };
}
