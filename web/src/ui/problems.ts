import type { ApiError } from "../api/client.ts";
import { type MessageKey, t } from "../i18n/index.ts";
import type { FormProblem } from "./fields.tsx";

/** How a form names its fields: the API's field path -> the field's id and what to say about it. */
export type FieldMap = Record<string, { id: string; text: string }>;

export interface FormErrors {
  problems: FormProblem[];
  /** The inline error of each field, by field id. */
  byField: Record<string, string>;
}

export const noErrors: FormErrors = { problems: [], byField: {} };

const codeMessages: Record<string, MessageKey> = {
  VALIDATION_FAILED: "error.validation",
  FORBIDDEN: "error.forbidden",
  NOT_FOUND: "error.notFound",
  CONFLICT: "error.conflict",
  RULE_VIOLATION: "error.rule",
  LIMIT_EXCEEDED: "error.limit",
  MESSAGE_LIMIT_REACHED: "conversation.limit",
  CONSENT_REQUIRED: "consent.needed",
  TERMS_CHANGED: "consent.changed",
  UNAUTHORIZED: "error.unauthorized",
  PAYLOAD_TOO_LARGE: "error.tooLarge",
  NETWORK: "error.network",
  ACCOUNT_FROZEN: "error.frozen",
  SELF_DEALING: "error.selfDealing",
  VERIFICATION_REQUIRED: "error.verification",
  // The edge's own answers (the web ACL), before the API is reached.
  RATE_LIMITED: "error.rateLimited",
  FORBIDDEN_BY_EDGE: "error.blocked",
};

/** A failure in words for everyone, whatever the API said. */
export function errorText(error: ApiError): string {
  return t(codeMessages[error.code] ?? "error.unknown");
}

/** The field a path like `skills.categories.0` belongs to: the longest declared prefix. */
function fieldFor(path: string, fields: FieldMap): { id: string; text: string } | undefined {
  let best: string | undefined;
  for (const key of Object.keys(fields)) {
    if ((path === key || path.startsWith(`${key}.`)) && (!best || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : fields[best];
}

/**
 * Turns the API's refusal into what the form shows: each field named in `details`, in the
 * person's language, and a general line for anything that is not about one field.
 */
export function formErrors(error: ApiError, fields: FieldMap, generalId: string): FormErrors {
  const problems: FormProblem[] = [];
  const byField: Record<string, string> = {};
  for (const detail of error.details ?? []) {
    const field = fieldFor(detail.path ?? "", fields);
    if (field && !byField[field.id]) {
      byField[field.id] = field.text;
      problems.push(field);
    }
  }
  if (!problems.length) problems.push({ id: generalId, text: errorText(error) });
  return { problems, byField };
}

/** Fields left empty that must be filled, before anything is sent. */
export function missing(checks: [boolean, { id: string; text: string }][]): FormErrors {
  const problems = checks.filter(([ok]) => !ok).map(([, field]) => field);
  return { problems, byField: Object.fromEntries(problems.map((p) => [p.id, p.text])) };
}
