import type { Deps } from "#domain/deps.ts";
import { ConflictError, NotFoundError } from "#domain/kernel/errors.ts";
import { IdempotencyKeyReusedError } from "#domain/ledger/errors.ts";
import { type IdempotencyContext, runIdempotent, type StoredResponse } from "#domain/ledger/idempotency.ts";
import type { Acting } from "#domain/membership/acting.ts";
import { exportArchive } from "./archive.ts";
import { assembleExport, type ExportDeps, parseExportSection, readExportSection } from "./export.ts";
import { type ExportJob, type ExportJobView, exportSectionNames } from "./export-job.ts";
import type { ExportJobPorts } from "./ports.ts";

/**
 * A job that has not finished this long after it started (a step failing over and over, waiting
 * in the failure store for a replay) no longer stops the member from starting another.
 */
export const EXPORT_JOB_STALE_MINUTES = 60;

/** The steps of a job: a section each, then the archive (sectionsDone = sectionsTotal). */
export const EXPORT_SECTIONS_TOTAL = exportSectionNames.length;

type JobDeps = ExportJobPorts & Pick<Deps, "clock" | "ids" | "city" | "ledger">;

/** The archive's file name, after the day its data was read. */
export function archiveFilename(job: Pick<ExportJob, "createdAt">): string {
  return `mutua-my-data-${job.createdAt.slice(0, 10)}.zip`;
}

async function viewOf(
  deps: Pick<ExportJobPorts, "exportArchives"> & Pick<Deps, "clock">,
  job: ExportJob,
): Promise<ExportJobView> {
  const view: ExportJobView = {
    jobId: job.jobId,
    status: job.status,
    sectionsDone: job.sectionsDone,
    sectionsTotal: job.sectionsTotal,
    createdAt: job.createdAt,
    ...(job.readyAt ? { readyAt: job.readyAt } : {}),
  };
  if (job.status !== "ready" || !job.expiresAt) return view;
  const expiresAt = new Date(job.expiresAt);
  const filename = archiveFilename(job);
  const url = await deps.exportArchives.downloadUrl(job, filename, expiresAt);
  return { ...view, download: { url, expiresAt: job.expiresAt, bytes: job.archiveBytes ?? 0, filename } };
}

/**
 * Starts assembling the member's archive in the background, or answers the job already running
 * for them (one at a time). With an Idempotency-Key, a retry answers the job the first request
 * started, even once it is done.
 * @throws ConflictError when another start won a race and its job cannot be read back.
 */
export async function startExport(
  deps: JobDeps,
  acting: Acting,
  idempotency: IdempotencyContext | undefined,
): Promise<StoredResponse> {
  const memberId = acting.subject.memberId;
  if (idempotency) {
    // A retry answers what the first request did, even after its job has finished.
    const stored = await deps.ledger.getIdempotencyRecord(idempotency.scope, idempotency.key);
    if (stored && stored.fingerprint !== idempotency.fingerprint) {
      throw new IdempotencyKeyReusedError(
        "This Idempotency-Key was already used for a different request; use a new key for a new request",
      );
    }
    if (stored) return { status: stored.status, body: JSON.parse(stored.body) };
  }
  return runIdempotent(deps, idempotency, async (record) => {
    const now = deps.clock.now();
    const running = await deps.exportJobs.running(memberId, now);
    if (running) return { status: 200, body: await viewOf(deps, running) };
    const at = now.toISOString();
    const job: ExportJob = {
      jobId: deps.ids.next(),
      memberId,
      requestedBy: acting.actor.memberId,
      status: "running",
      sectionsDone: 0,
      sectionsTotal: EXPORT_SECTIONS_TOTAL,
      createdAt: at,
      updatedAt: at,
    };
    const response: StoredResponse = { status: 202, body: await viewOf(deps, job) };
    const staleAt = new Date(now.getTime() + EXPORT_JOB_STALE_MINUTES * 60_000);
    if (await deps.exportJobs.start(job, staleAt, now, record(response))) return response;
    // Another start got in first (a double tap): answer theirs.
    const winner = await deps.exportJobs.running(memberId, now);
    if (!winner) throw new ConflictError("Another export was started at the same moment; ask again");
    return { status: 200, body: await viewOf(deps, winner) };
  });
}

/**
 * One of the member's export jobs, with its progress and, once ready, its download link. Another
 * member's job (or one gone with its expiry) is not found.
 * @throws NotFoundError
 */
export async function getExportJob(
  deps: ExportJobPorts & Pick<Deps, "clock">,
  acting: Acting,
  jobId: string,
): Promise<ExportJobView> {
  const job = await deps.exportJobs.get(acting.subject.memberId, jobId);
  // The store's TTL removes an expired job within a day or two: until then it is gone already.
  if (!job || (job.expiresAt && Date.parse(job.expiresAt) <= deps.clock.now().getTime())) {
    throw new NotFoundError("No such export");
  }
  return viewOf(deps, job);
}

type StepDeps = ExportDeps &
  ExportJobPorts &
  Pick<Deps, "ids"> & {
    /** Told of a step that failed (the schedule logs it). */
    onStepFailed?: (jobId: string, error: unknown) => void;
  };

/**
 * Does the next step of a job, as last read: reads and stores one section,
 * or, with every section stored, makes the archive and marks the job ready. A record that is no
 * longer the job's latest state (a step another run already did) does nothing. A
 * step cut short is done again whole: each section is stored under its own name, so doing it
 * twice leaves it once.
 * @returns what the step did.
 */
export async function advanceExportJob(
  deps: StepDeps,
  announced: ExportJob,
): Promise<"section" | "archive" | "stale"> {
  const job = await deps.exportJobs.get(announced.memberId, announced.jobId);
  if (job?.status !== "running" || job.sectionsDone !== announced.sectionsDone) return "stale";
  const subject = await deps.members.get(job.memberId);
  if (!subject) return "stale";
  const actor = job.requestedBy === subject.memberId ? subject : await deps.members.get(job.requestedBy);
  const acting: Acting = { actor: actor ?? subject, subject };
  const now = deps.clock.now();
  const name = exportSectionNames[job.sectionsDone];
  if (name) {
    const section = await readExportSection(deps, acting, name);
    await deps.exportArchives.putSection(job, name, JSON.stringify(section));
    await deps.exportJobs.advance(job, now);
    return "section";
  }
  const data = await assembleExport(job.createdAt, async (section) => {
    const text = await deps.exportArchives.getSection(job, section);
    if (text === undefined) throw new Error(`Export ${job.jobId}: section ${section} is missing`);
    return parseExportSection(section, text);
  });
  const archive = exportArchive(data);
  await deps.exportArchives.putArchive(job, archive);
  const expiresAt = new Date(now.getTime() + deps.city.retention.exportLinkHours * 3_600_000);
  await deps.exportJobs.finish(job, {
    readyAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    archiveBytes: archive.byteLength,
  });
  return "archive";
}

/** Running jobs one run of the export schedule takes up (the rest wait for the next run). */
const JOBS_PER_RUN = 25;

/**
 * One run of the export schedule: takes up each running job where it stands and does its steps,
 * one after another, until it is ready or the run's time is nearly up. Progress is saved after
 * every step (the job's `sectionsDone`), so a run cut short, or a step that failed, is continued by
 * the next run from the last step saved.
 * @returns how many steps were done and how many jobs became ready.
 */
export async function runExportJobs(
  deps: StepDeps,
  time: { remainingMs: () => number; reserveMs: number },
): Promise<{ steps: number; ready: number; failed: number }> {
  const outcome = { steps: 0, ready: 0, failed: 0 };
  for (const { memberId, jobId } of await deps.exportJobs.listRunning(JOBS_PER_RUN)) {
    let job = await deps.exportJobs.get(memberId, jobId);
    while (job?.status === "running" && time.remainingMs() > time.reserveMs) {
      try {
        const step = await advanceExportJob(deps, job);
        if (step === "stale") break;
        outcome.steps++;
        if (step === "archive") outcome.ready++;
      } catch (error) {
        // This job waits for the next run; the others go on.
        outcome.failed++;
        deps.onStepFailed?.(jobId, error);
        break;
      }
      job = await deps.exportJobs.get(memberId, jobId);
    }
  }
  return outcome;
}
