import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type * as S3 from "@aws-sdk/client-s3";
import type { ExportArchiveEraser } from "#domain/privacy/ports.ts";
import { sdkAtRunTime } from "./runtime-sdk.ts";

/** Where all of one member's export objects are (each job under it): `<memberId>/`. */
export function memberExportPrefix(memberId: string): string {
  // Member ids are ULIDs or plain handles: never a path of their own.
  if (!/^[\w-]+$/.test(memberId)) throw new Error(`Not a member id: ${JSON.stringify(memberId)}`);
  return `${memberId}/`;
}

/**
 * Deletes a closed member's export objects from the city's export bucket, page by page (the S3
 * client from the runtime's SDK, as for the archive store: the router carrying erasure stays in
 * its budget).
 */
export class S3ExportArchiveEraser implements ExportArchiveEraser {
  private client: S3.S3Client | undefined;

  constructor(private readonly bucket: string) {}

  async forgetMember(memberId: string): Promise<number> {
    const sdk = sdkAtRunTime<typeof S3>("@aws-sdk/client-s3");
    this.client ??= new sdk.S3Client({});
    const client = this.client;
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await client.send(
        new sdk.ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: memberExportPrefix(memberId),
          ContinuationToken: token,
        }),
      );
      const objects = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (objects.length > 0) {
        const result = await client.send(
          new sdk.DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } }),
        );
        if (result.Errors?.length) {
          throw new Error(`Export objects of ${memberId} not deleted: ${result.Errors.length} failed`);
        }
        deleted += objects.length;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }
}

/** The same in the city's data folder (the local runtime). */
export class LocalExportArchiveEraser implements ExportArchiveEraser {
  constructor(private readonly dir: string) {}

  async forgetMember(memberId: string): Promise<number> {
    const folder = join(this.dir, memberExportPrefix(memberId));
    let files: string[];
    try {
      files = (await readdir(folder, { recursive: true, withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw error;
    }
    await rm(folder, { recursive: true, force: true });
    return files.length;
  }
}

/** A function without export storage has no archives to delete. */
export const noExportArchiveEraser: ExportArchiveEraser = { forgetMember: () => Promise.resolve(0) };
