import { ensureWebBuilt } from "../../web/build/web.ts";

/** Vitest global setup: the browser tests and `npm start` serve web/dist, so it must be current. */
export async function setup(): Promise<void> {
  await ensureWebBuilt((line) => console.log(line));
}
