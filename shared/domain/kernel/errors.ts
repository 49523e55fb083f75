/** A field-level problem with a request, named by its dotted path. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * Base of every error the domain raises on purpose. The `code` is part of the public API:
 * clients switch on it, so codes never change meaning.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details: FieldIssue[] | undefined;
  /** `options.cause`: the error this one was raised from (say, a cancelled transaction), kept for logs. */
  constructor(message: string, details?: FieldIssue[], options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

export class ValidationError extends DomainError {
  readonly code = "VALIDATION_FAILED";
}

export class MalformedJsonError extends DomainError {
  readonly code = "MALFORMED_JSON";
}

export class PayloadTooLargeError extends DomainError {
  readonly code = "PAYLOAD_TOO_LARGE";
}

/** A request body in a media type other than JSON. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = "UNSUPPORTED_MEDIA_TYPE";
}

/** The request line and headers together are larger than the gateway accepts. */
export class RequestHeadersTooLargeError extends DomainError {
  readonly code = "REQUEST_HEADERS_TOO_LARGE";
}

/** The HTTP request itself cannot be read (its request line or a header is malformed). */
export class MalformedRequestError extends DomainError {
  readonly code = "MALFORMED_REQUEST";
}

export class UnauthorizedError extends DomainError {
  readonly code = "UNAUTHORIZED";
}

export class ForbiddenError extends DomainError {
  readonly code = "FORBIDDEN";
}

/** Also used for items that exist but that the caller may not see, so existence never leaks. */
export class NotFoundError extends DomainError {
  readonly code = "NOT_FOUND";
}

export class ConflictError extends DomainError {
  readonly code = "CONFLICT";
}

export class RuleViolationError extends DomainError {
  readonly code = "RULE_VIOLATION";
}

/**
 * Work in a sensitive category (home visits, childcare) needs a member a coordinator has verified:
 * 403 with the stable code `VERIFICATION_REQUIRED`, `details` naming the member's field.
 */
export class VerificationRequiredError extends DomainError {
  readonly code = "VERIFICATION_REQUIRED";
}

/**
 * Nobody uses power for their own benefit: awarding, granting, approving, verifying, raising a
 * limit, reversing or resolving for themselves (or an organisation they run). 403, `SELF_DEALING`.
 */
export class SelfDealingError extends DomainError {
  readonly code = "SELF_DEALING";
}

/**
 * A coordinator's or an admin's powers need a sign-in that passed a second factor (TOTP, or a
 * passkey where the city's sign-in tier offers them): 403 `MFA_REQUIRED`. A resident's own routes
 * never ask for it.
 */
export class MfaRequiredError extends DomainError {
  readonly code = "MFA_REQUIRED";
}
