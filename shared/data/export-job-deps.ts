import type { Deps } from "#domain/deps.ts";
import type { ExportJobPorts } from "#domain/privacy/ports.ts";
import { createDocumentClient } from "./client.ts";
import { extendedDeps } from "./deps.ts";
import { LocalExportArchiveStore, noExportArchives, S3ExportArchiveStore } from "./export-archive-store.ts";
import { DynamoExportJobRepository } from "./export-job-repository.ts";

/**
 * The export routes' and the export schedule's dependencies: the city's repositories, the export
 * jobs and the archive store (S3 in AWS, the city's data folder locally). Only their functions
 * import this file, so no other function carries the archive store.
 */
export const exportJobDeps = extendedDeps((base, config): Deps & ExportJobPorts => ({
  ...base,
  exportJobs: new DynamoExportJobRepository(createDocumentClient(config.endpoint), config.tableName),
  exportArchives: config.exportBucket
    ? new S3ExportArchiveStore(config.exportBucket)
    : config.exportDir
      ? new LocalExportArchiveStore(config.exportDir)
      : noExportArchives,
}));
