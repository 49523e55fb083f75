import { join, resolve } from "node:path";
import { repoRoot } from "../repo-root.ts";

export { repoRoot };

/** Local state (store files, the development signing key); never committed. MUTUA_DATA_DIR moves it. */
export const dataDir = resolve(repoRoot, process.env.MUTUA_DATA_DIR ?? ".data");
export const devIssuerKeyFile = resolve(dataDir, "dev-issuer-key.json");

/** While a city runs locally, its store's endpoint is in this file, for local commands to reach it. */
export function storeEndpointFile(cityDataDir: string): string {
  return join(cityDataDir, "store-endpoint");
}
