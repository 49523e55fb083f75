import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, whatever the current directory. */
export const repoRoot = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Local state (store files, the development signing key); never committed. MUTUA_DATA_DIR moves it. */
export const dataDir = resolve(repoRoot, process.env.MUTUA_DATA_DIR ?? ".data");
export const devIssuerKeyFile = resolve(dataDir, "dev-issuer-key.json");
