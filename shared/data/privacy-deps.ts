import type { ErasureDeps } from "#domain/privacy/erasure.ts";
import { runtimeConfig } from "#shared/config/runtime.ts";
import { createDocumentClient } from "./client.ts";
import { productionDeps } from "./deps.ts";
import { DynamoErasureStore } from "./erasure-repository.ts";
import {
  LocalExportArchiveEraser,
  noExportArchiveEraser,
  S3ExportArchiveEraser,
} from "./export-archive-eraser.ts";
import { CognitoLoginDirectory, localLoginDirectory } from "./login-directory.ts";

let cached: ErasureDeps | undefined;

/** The erasure consumer's dependencies: the city's repositories, the erasure store, the login directory. */
export function erasureDeps(): ErasureDeps {
  const base = productionDeps();
  // Rebuilt with the production set (the local runtime resets it when it moves to another store).
  if (cached && cached.members === base.members) return cached;
  const config = runtimeConfig();
  cached = {
    ...base,
    erasure: new DynamoErasureStore(createDocumentClient(config.endpoint), config.tableName),
    logins: config.userPoolId ? new CognitoLoginDirectory(config.userPoolId) : localLoginDirectory,
    exportArchives: config.exportBucket
      ? new S3ExportArchiveEraser(config.exportBucket)
      : config.exportDir
        ? new LocalExportArchiveEraser(config.exportDir)
        : noExportArchiveEraser,
  };
  return cached;
}
