import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import {
  ConflictError,
  type DomainError,
  ForbiddenError,
  MalformedJsonError,
  MalformedRequestError,
  MfaRequiredError,
  NotFoundError,
  PayloadTooLargeError,
  RequestHeadersTooLargeError,
  RuleViolationError,
  SelfDealingError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  VerificationRequiredError,
} from "#domain/kernel/errors.ts";
import { AccountFrozenError, IdempotencyKeyReusedError, LimitExceededError } from "#domain/ledger/errors.ts";
import {
  ConsentRequiredError,
  DownloadLinkExpiredError,
  DownloadLinkInvalidError,
  TermsChangedError,
} from "#domain/privacy/errors.ts";
import { MessageLimitError } from "../../shared/domain/conversations/errors.ts";
import { LinkInvalidError } from "../../shared/domain/notices/errors.ts";

/** The one table from error class to HTTP status; first match by instanceof wins. */
export const statusTable: readonly (readonly [new (...args: never[]) => DomainError, number])[] = [
  [ValidationError, 400],
  [MalformedJsonError, 400],
  [MalformedRequestError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [VerificationRequiredError, 403],
  [SelfDealingError, 403],
  [ConsentRequiredError, 403],
  [MfaRequiredError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [TermsChangedError, 409],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [RequestHeadersTooLargeError, 431],
  [RuleViolationError, 422],
  [IdempotencyKeyReusedError, 409],
  [LimitExceededError, 422],
  [AccountFrozenError, 422],
  [MessageLimitError, 429],
  [LinkInvalidError, 400],
  [DownloadLinkInvalidError, 403],
  [DownloadLinkExpiredError, 410],
];

export function statusFor(error: DomainError): number {
  for (const [type, status] of statusTable) if (error instanceof type) return status;
  return 400;
}

/**
 * On every answer: browsers must not guess another type from the body (a member's text shown as
 * HTML), and nothing is kept in a cache, since nearly every answer is about a person.
 */
const alwaysHeaders = { "x-content-type-options": "nosniff", "cache-control": "no-store" } as const;

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8", ...alwaysHeaders },
    body: JSON.stringify(body),
  };
}

export function errorResponse(error: DomainError): APIGatewayProxyStructuredResultV2 {
  const body: { code: string; message: string; details?: unknown } = {
    code: error.code,
    message: error.message,
  };
  if (error.details) body.details = error.details;
  return jsonResponse(statusFor(error), { error: body });
}

/** The code of every 5xx: a fault on our side, whatever it was. */
export const INTERNAL_ERROR_CODE = "INTERNAL";

/** 5xx bodies carry only the request id: the cause goes to the log, never to the client. */
export function internalErrorResponse(requestId: string): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(500, {
    error: { code: INTERNAL_ERROR_CODE, message: `Something went wrong on our side (request ${requestId})` },
  });
}

export function textResponse(
  statusCode: number,
  body: string,
  contentType: string,
): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { "content-type": contentType, ...alwaysHeaders }, body };
}

/**
 * A file to download: its bytes base64-encoded with `isBase64Encoded`, which API Gateway (and the
 * local adapter) turn back into bytes; the name it is saved under in `content-disposition`.
 */
export function fileResponse(
  statusCode: number,
  bytes: Uint8Array,
  contentType: string,
  filename: string,
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      ...alwaysHeaders,
    },
    body: Buffer.from(bytes).toString("base64"),
    isBase64Encoded: true,
  };
}

/**
 * A page of Mutua's own making: it loads nothing, runs no script and may be framed by nobody; its
 * one form posts back to the same place.
 */
export function htmlResponse(statusCode: number, body: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy":
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      "referrer-policy": "no-referrer",
      ...alwaysHeaders,
    },
    body,
  };
}
