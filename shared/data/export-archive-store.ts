import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type * as S3 from "@aws-sdk/client-s3";
import type * as Presigner from "@aws-sdk/s3-request-presigner";
import { NotFoundError } from "#domain/kernel/errors.ts";
import { DownloadLinkExpiredError, DownloadLinkInvalidError } from "#domain/privacy/errors.ts";
import type { ExportJob, ExportSectionName } from "#domain/privacy/export-job.ts";
import type { ExportArchiveStore } from "#domain/privacy/ports.ts";
import { memberExportPrefix } from "./export-archive-eraser.ts";
import { sdkAtRunTime } from "./runtime-sdk.ts";

/** Presigned S3 links live at most seven days (SigV4's limit). */
const MAX_LINK_SECONDS = 7 * 86_400;

/** Where a job's objects are: under the member, so all of one member's exports share a prefix. */
function prefixOf(job: Pick<ExportJob, "memberId" | "jobId">): string {
  return `${memberExportPrefix(job.memberId)}${job.jobId}`;
}
const sectionKey = (job: ExportJob, name: ExportSectionName) => `${prefixOf(job)}/sections/${name}.json`;
const archiveKey = (job: Pick<ExportJob, "memberId" | "jobId">) => `${prefixOf(job)}/archive.zip`;

/**
 * The city's export bucket (private, encrypted, expiring by a lifecycle rule). The S3 client and
 * the presigner come from the Lambda runtime's SDK on first use (see runtime-sdk.ts): only the
 * export functions need them, and bundling them would take the routers past their budget.
 */
export class S3ExportArchiveStore implements ExportArchiveStore {
  private client: S3.S3Client | undefined;

  constructor(private readonly bucket: string) {}

  private s3(): { sdk: typeof S3; client: S3.S3Client } {
    const sdk = sdkAtRunTime<typeof S3>("@aws-sdk/client-s3");
    this.client ??= new sdk.S3Client({});
    return { sdk, client: this.client };
  }

  async putSection(job: ExportJob, name: ExportSectionName, text: string): Promise<void> {
    const { sdk, client } = this.s3();
    await client.send(
      new sdk.PutObjectCommand({
        Bucket: this.bucket,
        Key: sectionKey(job, name),
        Body: text,
        ContentType: "application/json",
      }),
    );
  }

  async getSection(job: ExportJob, name: ExportSectionName): Promise<string | undefined> {
    const { sdk, client } = this.s3();
    try {
      const object = await client.send(
        new sdk.GetObjectCommand({ Bucket: this.bucket, Key: sectionKey(job, name) }),
      );
      return await object.Body?.transformToString("utf-8");
    } catch (error) {
      if (error instanceof sdk.NoSuchKey) return undefined;
      throw error;
    }
  }

  async putArchive(job: ExportJob, archive: Uint8Array): Promise<void> {
    const { sdk, client } = this.s3();
    await client.send(
      new sdk.PutObjectCommand({
        Bucket: this.bucket,
        Key: archiveKey(job),
        Body: archive,
        ContentType: "application/zip",
      }),
    );
  }

  async downloadUrl(job: ExportJob, filename: string, expiresAt: Date): Promise<string> {
    const { sdk, client } = this.s3();
    const { getSignedUrl } = sdkAtRunTime<typeof Presigner>("@aws-sdk/s3-request-presigner");
    const seconds = Math.floor((expiresAt.getTime() - Date.now()) / 1000);
    return getSignedUrl(
      client,
      new sdk.GetObjectCommand({
        Bucket: this.bucket,
        Key: archiveKey(job),
        ResponseContentDisposition: `attachment; filename="${filename}"`,
        ResponseContentType: "application/zip",
      }),
      { expiresIn: Math.max(1, Math.min(seconds, MAX_LINK_SECONDS)) },
    );
  }
}

/** The local server's address of an archive (infra/local serves it). */
export const LOCAL_ARCHIVE_PATH = "/api/export-archives";

/**
 * Exports on one machine: files in the city's data folder, downloaded through the local server with
 * a link signed as S3 signs its own (an HMAC over member, job and expiry, with a key of the city's
 * made once in that folder), so a link works without a sign-in, until it expires, and not altered.
 */
export class LocalExportArchiveStore implements ExportArchiveStore {
  private key: Buffer | undefined;

  constructor(private readonly dir: string) {}

  private linkKey(): Buffer {
    if (this.key) return this.key;
    const file = join(this.dir, "link-key");
    mkdirSync(this.dir, { recursive: true });
    try {
      // Created once, by whoever comes first ("wx" fails if it exists).
      writeFileSync(file, randomBytes(32).toString("base64url"), { flag: "wx", mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    this.key = Buffer.from(readFileSync(file, "utf8").trim(), "base64url");
    return this.key;
  }

  private signature(memberId: string, jobId: string, expires: number): Buffer {
    return createHmac("sha256", this.linkKey()).update(`${memberId}/${jobId}/${expires}`).digest();
  }

  private async write(key: string, content: string | Uint8Array): Promise<void> {
    const file = join(this.dir, key);
    mkdirSync(dirname(file), { recursive: true });
    // Written whole or not at all: a step cut short leaves no half file behind.
    await writeFile(`${file}.partial`, content);
    await rename(`${file}.partial`, file);
  }

  async putSection(job: ExportJob, name: ExportSectionName, text: string): Promise<void> {
    await this.write(sectionKey(job, name), text);
  }

  async getSection(job: ExportJob, name: ExportSectionName): Promise<string | undefined> {
    try {
      return await readFile(join(this.dir, sectionKey(job, name)), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async putArchive(job: ExportJob, archive: Uint8Array): Promise<void> {
    await this.write(archiveKey(job), archive);
  }

  async downloadUrl(job: ExportJob, filename: string, expiresAt: Date): Promise<string> {
    const expires = Math.floor(expiresAt.getTime() / 1000);
    const query = new URLSearchParams({
      member: job.memberId,
      job: job.jobId,
      expires: String(expires),
      filename,
      signature: this.signature(job.memberId, job.jobId, expires).toString("base64url"),
    });
    return `${LOCAL_ARCHIVE_PATH}?${query}`;
  }

  /**
   * The archive a link downloads, once its signature and expiry are checked.
   * @throws DownloadLinkInvalidError (altered or incomplete), DownloadLinkExpiredError, NotFoundError (gone)
   */
  async open(query: URLSearchParams, now: Date): Promise<{ bytes: Buffer; filename: string }> {
    const memberId = query.get("member") ?? "";
    const jobId = query.get("job") ?? "";
    const expiresText = query.get("expires") ?? "";
    const signature = Buffer.from(query.get("signature") ?? "", "base64url");
    const ids = /^[0-9A-Za-z-]{1,40}$/;
    if (
      !ids.test(memberId) ||
      !ids.test(jobId) ||
      !/^\d{1,12}$/.test(expiresText) ||
      signature.length !== 32
    ) {
      throw new DownloadLinkInvalidError(
        "This download link is not valid: it may have been altered or cut short",
      );
    }
    const expires = Number(expiresText);
    // Compared in constant time, so the signature cannot be guessed byte by byte.
    if (!timingSafeEqual(this.signature(memberId, jobId, expires), signature)) {
      throw new DownloadLinkInvalidError(
        "This download link is not valid: it may have been altered or cut short",
      );
    }
    if (expires * 1000 <= now.getTime()) {
      throw new DownloadLinkExpiredError("This download link has expired: start a new export");
    }
    try {
      const bytes = await readFile(join(this.dir, archiveKey({ memberId, jobId })));
      const filename = /^[\w.-]{1,100}$/.test(query.get("filename") ?? "")
        ? (query.get("filename") ?? "")
        : "mutua-my-data.zip";
      return { bytes, filename };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError("No such export");
      throw error;
    }
  }
}

/** A store for a function that was given none (only the export functions are). */
export const noExportArchives: ExportArchiveStore = {
  putSection: () => Promise.reject(new Error("This function has no export storage (EXPORT_BUCKET)")),
  getSection: () => Promise.reject(new Error("This function has no export storage (EXPORT_BUCKET)")),
  putArchive: () => Promise.reject(new Error("This function has no export storage (EXPORT_BUCKET)")),
  downloadUrl: () => Promise.reject(new Error("This function has no export storage (EXPORT_BUCKET)")),
};
