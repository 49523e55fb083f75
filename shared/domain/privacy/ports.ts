/**
 * Storage and identity ports of residents' data rights (erasure, access records). The DynamoDB
 * adapters live in shared/data; the identity adapters in shared/data too (Cognito in AWS).
 */
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import type { IdempotencyRecord } from "#domain/ledger/idempotency.ts";
import type { Match } from "#domain/matching/match.ts";
import type { AccessRecord } from "./access-record.ts";
import type { ExportJob, ExportSectionName } from "./export-job.ts";

/** What erasure needs of the store beyond the feature repositories. */
export interface ErasureStore {
  /** The login subjects linked to a member. */
  loginsOf(memberId: string): Promise<string[]>;
  /** Removes a login's link to the member (and the member's record of it). */
  unlinkLogin(memberId: string, subject: string): Promise<void>;
  /**
   * Deletes every item kept for the member alone: inbox notices and their guards, digest entries,
   * held notices and releases, match budgets, matching signals, access records of their own.
   * @returns how many items went.
   */
  forgetMemberItems(memberId: string): Promise<number>;
  /** Strips a post of what its owner wrote and where it was; kind, category and minutes stay. */
  erasePost(postId: string, at: string): Promise<void>;
  /**
   * Replaces a match's copy of the post's title and/or drops its reasons: in the match and in the
   * copies waiting in either side's digest (quiet hours, or a digest preference).
   */
  eraseMatch(
    match: Pick<Match, "matchId" | "candidateId" | "postOwnerId">,
    change: { postTitle?: string; dropReasons?: boolean },
  ): Promise<void>;
  /** Deletes a match and its copies waiting in either side's digest. */
  forgetMatch(match: Pick<Match, "matchId" | "candidateId" | "postOwnerId">): Promise<void>;
  /** Removes a candidate from another post's shortlist. */
  dropFromShortlist(postId: string, memberId: string): Promise<void>;
  /** Renames a party of an exchange (the exchange itself stays: the counterpart's record). */
  renameParty(exchangeId: string, memberId: string, displayName: string): Promise<void>;
  /**
   * Rewrites the notices of one inbox that quote any of `quotes`, each of `replacements` replaced by its
   * replacement (title, body and params), and their copies held for email or SMS after quiet hours
   * (held notices and releases not yet sent). @returns how many items changed.
   */
  scrubNotices(
    inboxOwner: string,
    replacements: ReadonlyMap<string, string>,
    quotes: readonly string[],
  ): Promise<number>;
}

/** The identity provider's user directory (Cognito in AWS; the local runtime has none). */
export interface LoginDirectory {
  /** Deletes the sign-in identity of a subject; a subject already gone is not an error. */
  deleteLogin(subject: string): Promise<void>;
}

/** Access records: written when a coordinator or admin reaches a member's data, kept for the city's period. */
export interface AccessLogRepository {
  /** Stores a record; it expires after `keepDays`. */
  record(record: AccessRecord, keepDays: number): Promise<void>;
  /** A member's records, newest first. */
  list(memberId: string, page: PageRequest): Promise<Page<AccessRecord>>;
}

/** Export jobs, at most one running per member. */
export interface ExportJobRepository {
  /**
   * Stores a new running job (and the idempotency record of the request, if keyed) unless the
   * member has a job running that is not stale yet at `now`.
   * @returns false when another job is running.
   */
  start(
    job: ExportJob,
    staleAt: Date,
    now: Date,
    idempotency: IdempotencyRecord | undefined,
  ): Promise<boolean>;
  /** The member's running job, unless it went stale at `now`. */
  running(memberId: string, now: Date): Promise<ExportJob | undefined>;
  get(memberId: string, jobId: string): Promise<ExportJob | undefined>;
  /** Up to `limit` running jobs of the city (stale ones too), for the export schedule. */
  listRunning(limit: number): Promise<{ memberId: string; jobId: string }[]>;
  /** Counts one more section done, if the job still stands where it was read; false otherwise. */
  advance(job: ExportJob, now: Date): Promise<boolean>;
  /** Marks the running job ready (and no longer running); false if it was not running any more. */
  finish(
    job: ExportJob,
    ready: { readyAt: string; expiresAt: string; archiveBytes: number },
  ): Promise<boolean>;
}

/**
 * Where export jobs keep their sections and archives (S3 in AWS, files in the city's data folder
 * locally), and the links that download an archive until they expire.
 */
export interface ExportArchiveStore {
  /** Stores one section's JSON text, replacing any earlier copy (a step done twice). */
  putSection(job: ExportJob, name: ExportSectionName, text: string): Promise<void>;
  getSection(job: ExportJob, name: ExportSectionName): Promise<string | undefined>;
  putArchive(job: ExportJob, archive: Uint8Array): Promise<void>;
  /** A link that downloads the archive, as `filename`, until `expiresAt` and not after. */
  downloadUrl(job: ExportJob, filename: string, expiresAt: Date): Promise<string>;
}

/** What residents' data rights add to every use-case's deps (the erasure store and login directory are the erasure consumer's own). */
export interface PrivacyPorts {
  accessLog: AccessLogRepository;
}

/** Deletes a closed member's export sections and archives, wherever they are kept. */
export interface ExportArchiveEraser {
  /** @returns how many objects went. */
  forgetMember(memberId: string): Promise<number>;
}

/**
 * What background exports add: only the export routes and the export schedule carry them, so
 * the archive store's code stays out of every other function.
 */
export interface ExportJobPorts {
  exportJobs: ExportJobRepository;
  exportArchives: ExportArchiveStore;
}
