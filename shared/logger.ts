import { AsyncLocalStorage } from "node:async_hooks";

/** Structured one-line JSON logs; CloudWatch Logs Insights and the local console both read them well. */
export type LogFields = Record<string, unknown>;

export type LogLevel = "INFO" | "WARN" | "ERROR";

/** The fields every line of one invocation carries: request id, function, city, caller. */
const invocation = new AsyncLocalStorage<LogFields>();

/** Whether this process (a Lambda execution environment) has served an invocation yet. */
let served = false;

/**
 * The fields that open an invocation's log context: Lambda's request id, the function and whether
 * this is the process's first invocation (a cold start; Lambda's own REPORT line then carries its
 * init duration). Locally one process serves every function, so only its first is cold.
 */
export function invocationFields(context: { awsRequestId: string; functionName: string }): LogFields {
  const coldStart = !served;
  served = true;
  return { requestId: context.awsRequestId, function: context.functionName, coldStart };
}

/**
 * Runs `fn` with `fields` on every log line written inside it (and in whatever it awaits), on top
 * of the fields of any enclosing context. Concurrent invocations (the local adapter serves many
 * requests in one process) each keep their own fields.
 */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return invocation.run({ ...invocation.getStore(), ...fields }, fn);
}

/** Adds fields to the current invocation's lines from here on (the caller's member id, once known). */
export function addLogContext(fields: LogFields): void {
  const store = invocation.getStore();
  if (store) Object.assign(store, fields);
}

/** The current invocation's log fields (empty outside any). */
export function logContext(): LogFields {
  return { ...invocation.getStore() };
}

/**
 * Writes one JSON line straight to stdout (stderr for errors). Not through `console`: with the
 * Lambda JSON log format the runtime wraps every console call in an envelope of its own, which
 * would turn this line into an escaped string (and hide an Embedded Metric Format line from
 * CloudWatch); lines written to the stream itself reach the log group as they are. Level names
 * and `timestamp`/`requestId` follow Lambda's own JSON records, so one query reads both.
 */
export function writeLine(level: LogLevel, line: LogFields): void {
  const text = `${JSON.stringify(line)}\n`;
  if (level === "ERROR") process.stderr.write(text);
  else process.stdout.write(text);
}

function write(level: LogLevel, message: string, fields: LogFields): void {
  writeLine(level, {
    timestamp: new Date().toISOString(),
    level,
    message,
    ...invocation.getStore(),
    ...fields,
  });
}

export const log = {
  info: (message: string, fields: LogFields = {}) => write("INFO", message, fields),
  warn: (message: string, fields: LogFields = {}) => write("WARN", message, fields),
  error: (message: string, fields: LogFields = {}) => write("ERROR", message, fields),
};

/** The message and stack of anything thrown, for logs only (never for responses). */
export function describeError(error: unknown): LogFields {
  if (error instanceof Error)
    return { errorName: error.name, errorMessage: error.message, stack: error.stack };
  return { errorMessage: String(error) };
}
