import type { LocalExportArchiveStore } from "#data/export-archive-store.ts";
import { LOCAL_ARCHIVE_PATH } from "#data/export-archive-store.ts";
import { DomainError } from "#domain/kernel/errors.ts";
import { errorResponse, fileResponse } from "../../functions/http/errors.ts";
import type { LocalRoute } from "./http-adapter.ts";

/**
 * `GET /api/export-archives?member&job&expires&filename&signature`: the local stand-in for S3's
 * presigned links to export archives. The signed link is the only credential, as in AWS: it works
 * without a sign-in (a browser's download cannot send one) until it expires; an altered one gets
 * 403 `DOWNLOAD_LINK_INVALID`, an expired one 410 `DOWNLOAD_LINK_EXPIRED`.
 */
export function exportArchiveRoutes(store: LocalExportArchiveStore): Record<string, LocalRoute> {
  return {
    [`GET ${LOCAL_ARCHIVE_PATH}`]: {
      auth: false,
      handle: async ({ query }) => {
        try {
          const { bytes, filename } = await store.open(query, new Date());
          return { result: fileResponse(200, bytes, "application/zip", filename) };
        } catch (error) {
          if (error instanceof DomainError) return { result: errorResponse(error) };
          throw error;
        }
      },
    },
  };
}
