import type { ErasureDeps } from "#domain/privacy/erasure.ts";
import { createDocumentClient } from "./client.ts";
import { extendedDeps } from "./deps.ts";
import { DynamoErasureStore } from "./erasure-repository.ts";
import {
  LocalExportArchiveEraser,
  noExportArchiveEraser,
  S3ExportArchiveEraser,
} from "./export-archive-eraser.ts";
import { CognitoLoginDirectory, localLoginDirectory } from "./login-directory.ts";

/**
 * The erasure consumer's dependencies: the city's repositories, the erasure store, the login
 * directory and the eraser of export archives.
 */
export const erasureDeps = extendedDeps(
  (base, config): ErasureDeps => ({
    ...base,
    erasure: new DynamoErasureStore(createDocumentClient(config.endpoint), config.tableName),
    logins: config.userPoolId ? new CognitoLoginDirectory(config.userPoolId) : localLoginDirectory,
    exportArchives: config.exportBucket
      ? new S3ExportArchiveEraser(config.exportBucket)
      : config.exportDir
        ? new LocalExportArchiveEraser(config.exportDir)
        : noExportArchiveEraser,
  }),
);
