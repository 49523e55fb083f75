import { DomainError } from "#domain/kernel/errors.ts";

/**
 * The member has not agreed to the version of the city's terms now in force, and the request
 * would start something new for them (a post, an exchange, an answer to a match): 403,
 * `CONSENT_REQUIRED`, `details` naming the version to agree to.
 */
export class ConsentRequiredError extends DomainError {
  readonly code = "CONSENT_REQUIRED";
}

/**
 * A consent names a version of the terms that is not the one the city publishes now (an older
 * one, an unknown one, or any when the city versions no terms): 409, `TERMS_CHANGED`, `details`
 * naming the current version. Nothing is recorded.
 */
export class TermsChangedError extends DomainError {
  readonly code = "TERMS_CHANGED";
}

/**
 * A link to an export archive that was altered, cut short or signed by another city: 403,
 * `DOWNLOAD_LINK_INVALID`. (In AWS the link is S3's own, and S3 answers a bad one itself.)
 */
export class DownloadLinkInvalidError extends DomainError {
  readonly code = "DOWNLOAD_LINK_INVALID";
}

/** A link to an export archive past its expiry: 410, `DOWNLOAD_LINK_EXPIRED` (start a new export). */
export class DownloadLinkExpiredError extends DomainError {
  readonly code = "DOWNLOAD_LINK_EXPIRED";
}
