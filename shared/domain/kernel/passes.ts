import type { Clock } from "./clock.ts";

/**
 * Where a scheduled job that works through the city in passes (the daily ledger audit, the weekly
 * suggestions) stands: which pass, how far, and what it has counted so far.
 */
export interface PassCheckpoint {
  /** The pass it belongs to (a date, an ISO week). */
  pass: string;
  /** The job's own progress (a cursor, counts), as JSON. */
  state: unknown;
  done: boolean;
  startedAt: string;
  updatedAt: string;
  /** Bumped by every save: two runs at once cannot both advance the pass. */
  version: number;
}

export interface CheckpointRepository {
  get(job: string): Promise<PassCheckpoint | undefined>;
  /**
   * Saves the job's checkpoint if its stored version is still `expectedVersion` (0: none yet).
   * @returns false when another run saved first.
   */
  save(job: string, checkpoint: Omit<PassCheckpoint, "version">, expectedVersion: number): Promise<boolean>;
}

/** What jobs that work in passes need: somewhere to keep their checkpoints. */
export interface PassesPorts {
  checkpoints: CheckpointRepository;
}

/** What one step of a pass did, for the progress line the job logs after it. */
export type Progress = Record<string, unknown>;

export interface PassJob<S> {
  /** The job's name: its checkpoint's key (the schedule's name). */
  job: string;
  /** The pass this run belongs to (a date, an ISO week): a new pass starts from `initial`. */
  pass: string;
  /** Start a new pass even if this one is complete (an operator asked for a run). */
  restart?: boolean;
  initial: () => S;
  /** Reads a saved state; undefined when it is not this job's shape (the pass starts over). */
  parse: (saved: unknown) => S | undefined;
  /** Does one bounded piece of work (a page of accounts, say) and says whether the pass is done. */
  step: (state: S) => Promise<{ state: S; done: boolean }>;
  /** Milliseconds left to this run (a Lambda's remaining time). */
  remainingMs: () => number;
  /** No new step starts with less time left than this. */
  reserveMs: number;
  /** Called after every saved step, with the state and whether the pass is done. */
  onProgress?: (state: S, done: boolean) => void;
}

export interface PassOutcome<S> {
  state: S;
  /** The pass is complete (now, or already before this run). */
  done: boolean;
  /** This run found the pass already complete and did nothing. */
  alreadyDone: boolean;
  /** This run continued a pass an earlier run left unfinished. */
  resumed: boolean;
  /** Another run of the job saved first; this one stopped without doing more. */
  overtaken: boolean;
  steps: number;
}

/**
 * Runs a job's pass step by step from its checkpoint: a run cut short (by its time limit, a crash
 * or a deploy) leaves the checkpoint after its last finished step, and the next run continues
 * from there instead of starting over. Each step's outcome is saved under the version it read, so
 * two runs at once never both advance the pass. Steps must be safe to repeat (the one in hand when
 * a run dies is done again).
 */
export async function runPass<S>(
  deps: { checkpoints: CheckpointRepository; clock: Clock },
  job: PassJob<S>,
): Promise<PassOutcome<S>> {
  const saved = await deps.checkpoints.get(job.job);
  const now = () => deps.clock.now().toISOString();
  const same = saved?.pass === job.pass;
  const resumable = same && !saved.done && !job.restart ? job.parse(saved.state) : undefined;
  if (same && saved.done && !job.restart) {
    const state = job.parse(saved.state) ?? job.initial();
    return { state, done: true, alreadyDone: true, resumed: false, overtaken: false, steps: 0 };
  }
  let version = saved?.version ?? 0;
  let state = resumable ?? job.initial();
  const startedAt = resumable && saved ? saved.startedAt : now();
  let steps = 0;
  for (;;) {
    if (job.remainingMs() < job.reserveMs) {
      return { state, done: false, alreadyDone: false, resumed: !!resumable, overtaken: false, steps };
    }
    const result = await job.step(state);
    steps += 1;
    const saved = await deps.checkpoints.save(
      job.job,
      { pass: job.pass, state: result.state, done: result.done, startedAt, updatedAt: now() },
      version,
    );
    if (!saved)
      return { state, done: false, alreadyDone: false, resumed: !!resumable, overtaken: true, steps };
    version += 1;
    state = result.state;
    job.onProgress?.(state, result.done);
    if (result.done) {
      return { state, done: true, alreadyDone: false, resumed: !!resumable, overtaken: false, steps };
    }
  }
}

/** Runs `task` over `items` with at most `limit` at a time; results in the items' order. */
export async function inChunks<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await task(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
