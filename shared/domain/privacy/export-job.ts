import * as z from "#shared/zod.ts";

/** The sections of an export, in the order an export job assembles them (one bounded step each). */
export const exportSectionNames = [
  "member",
  "consents",
  "posts",
  "matches",
  "exchanges",
  "account",
  "statement",
  "inbox",
  "auditTrail",
  "accessLog",
] as const;
export type ExportSectionName = (typeof exportSectionNames)[number];

/**
 * An export assembled in the background: the archive of `GET /me/export.zip`, made one section
 * per step by the `export-jobs` schedule (progress saved after each), then zipped and offered
 * through a link that expires.
 */
export const exportJobSchema = z.object({
  jobId: z.string(),
  /** Whose data. */
  memberId: z.string(),
  /** Who started it: the member, or a coordinator acting for them at their request. */
  requestedBy: z.string(),
  status: z.enum(["running", "ready"]),
  sectionsDone: z.int(),
  sectionsTotal: z.int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Once ready: when, how big, and until when the archive can be downloaded (then it is deleted). */
  readyAt: z.optional(z.iso.datetime()),
  expiresAt: z.optional(z.iso.datetime()),
  archiveBytes: z.optional(z.int()),
});
export type ExportJob = z.infer<typeof exportJobSchema>;

/** What `GET /me/exports/{jobId}` answers: progress, and once ready, the link and when it expires. */
export const exportJobViewSchema = z.object({
  jobId: z.string(),
  status: z.enum(["running", "ready"]),
  sectionsDone: z.int(),
  sectionsTotal: z.int(),
  createdAt: z.iso.datetime(),
  readyAt: z.optional(z.iso.datetime()),
  /** Present once ready: a link anyone holding it may download with, until `expiresAt`. */
  download: z.optional(
    z.object({ url: z.string(), expiresAt: z.iso.datetime(), bytes: z.int(), filename: z.string() }),
  ),
});
export type ExportJobView = z.infer<typeof exportJobViewSchema>;
