import { resolve } from "node:path";
import { repoRoot } from "../repo-root.ts";

export { repoRoot };

/** Local state (store files, the development signing key); never committed. MUTUA_DATA_DIR moves it. */
export const dataDir = resolve(repoRoot, process.env.MUTUA_DATA_DIR ?? ".data");
export const devIssuerKeyFile = resolve(dataDir, "dev-issuer-key.json");

/** Where `vite build` writes the web app, which the local runtime serves beside the API. */
export const webDistDir = resolve(repoRoot, "web/dist");
