import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Context } from "aws-lambda";
import { repoRoot } from "../repo-root.ts";

// biome-ignore lint/suspicious/noExplicitAny: a Lambda handler's event and result vary by trigger
export type LambdaHandler = (event: any, context: Context) => Promise<any>;

const cache = new Map<string, Promise<LambdaHandler>>();

/** Imports a manifest handler module (path relative to the repository root) once, as Lambda would. */
export function loadHandler(modulePath: string): Promise<LambdaHandler> {
  let loaded = cache.get(modulePath);
  if (!loaded) {
    loaded = import(pathToFileURL(resolve(repoRoot, modulePath)).href).then(
      (module: { handler?: unknown }) => {
        if (typeof module.handler !== "function") throw new Error(`${modulePath} does not export a handler`);
        return module.handler as LambdaHandler;
      },
    );
    cache.set(modulePath, loaded);
  }
  return loaded;
}
