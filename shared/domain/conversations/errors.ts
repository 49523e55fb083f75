import { DomainError, type FieldIssue } from "#domain/kernel/errors.ts";

/**
 * A member has sent as many messages today as their daily limit allows (a spam guard that grows
 * with settled exchanges): 429, `MESSAGE_LIMIT_REACHED`, `details` naming the limit.
 */
export class MessageLimitError extends DomainError {
  readonly code = "MESSAGE_LIMIT_REACHED";
  constructor(message: string, details?: FieldIssue[]) {
    super(message, details);
  }
}
