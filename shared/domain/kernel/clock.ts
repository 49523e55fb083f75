/** Time and identity sources, injected so use-cases stay deterministic under test. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new sortable unique id (ULID in production). */
  next(): string;
}

export const systemClock: Clock = { now: () => new Date() };
