import { DomainError } from "#domain/kernel/errors.ts";

/**
 * A signed link (an unsubscribe link) whose signature does not verify: altered, cut short, or
 * from another city. 400, `LINK_INVALID`; nothing changes.
 */
export class LinkInvalidError extends DomainError {
  readonly code = "LINK_INVALID";
}
