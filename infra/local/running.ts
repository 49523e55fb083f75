import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type City, citySchema } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";

/**
 * While a city runs (`npm start`), it leaves a note in the city's data folder saying where its store is, so
 * a one-off command (`npm run schedule`) works on the same data through the same store rather than
 * opening the store's files a second time.
 */
const runningSchema = z.object({
  pid: z.int(),
  url: z.string(),
  endpoint: z.url(),
  tableName: z.string(),
  city: z.unknown(),
});

export interface RunningCity {
  pid: number;
  url: string;
  endpoint: string;
  tableName: string;
  /** The city as the running process was started with it (`--city`). */
  city: City;
}

function noteOf(cityData: string): string {
  return join(cityData, "running.json");
}

/** Writes the note; returns what removes it (on stop). */
export function announceRunning(cityData: string, running: RunningCity): () => void {
  const file = noteOf(cityData);
  mkdirSync(cityData, { recursive: true });
  writeFileSync(file, JSON.stringify(running));
  return () => rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as { code?: string }).code === "EPERM";
  }
}

/** The city running on this data folder, if any (a note left by a process that died is ignored). */
export function findRunning(cityData: string): RunningCity | undefined {
  const file = noteOf(cityData);
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  const note = z.safeParse(runningSchema, parsed);
  if (!note.success || !alive(note.data.pid)) return undefined;
  const city = z.safeParse(citySchema, note.data.city);
  if (!city.success) return undefined;
  return { ...note.data, city: city.data };
}
