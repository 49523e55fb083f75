import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, whatever the current directory: handler paths in the manifest are relative to it. */
export const repoRoot = resolve(fileURLToPath(new URL("..", import.meta.url)));
