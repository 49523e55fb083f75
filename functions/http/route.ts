import { timingSafeEqual } from "node:crypto";
import middy, { type MiddlewareObj } from "@middy/core";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { productionDeps } from "#data/deps.ts";
import type { Deps } from "#domain/deps.ts";
import {
  DomainError,
  ForbiddenError,
  MalformedJsonError,
  MfaRequiredError,
  PayloadTooLargeError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "#domain/kernel/errors.ts";
import type { IdempotencyContext } from "#domain/ledger/idempotency.ts";
import { type Acting, resolveActing } from "#domain/membership/acting.ts";
import { isActive, isCoordinatorOrAdmin, type Member } from "#domain/membership/member.ts";
import { accessRecordFor } from "#domain/privacy/access-log.ts";
import { requireConsent } from "#domain/privacy/consent.ts";
import { ORIGIN_HEADER, runtimeConfig } from "#shared/config/runtime.ts";
import { addLogContext, describeError, invocationFields, log, withLogContext } from "#shared/logger.ts";
import { passedMfa } from "#shared/mfa.ts";
import * as z from "#shared/zod.ts";
import {
  errorResponse,
  fileResponse,
  htmlResponse,
  internalErrorResponse,
  jsonResponse,
  textResponse,
} from "./errors.ts";
import { idempotencyContextOf, idempotencyKeyFrom } from "./idempotency.ts";

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
type Schema<T> = z.ZodMiniType<T>;

/**
 * public: anyone. subject: a verified login, joined or not. member: an active member of the city.
 * The identity comes from the verified token's `sub` only; roles are read from Mutua's own data.
 */
export type Auth = "public" | "subject" | "member";

/** The header naming the member a coordinator or organisation admin acts for. */
export const ACT_FOR_HEADER = "x-act-for";

/**
 * A route's contract: the single source of its request and response types, of its validation and
 * of its OpenAPI operation (generated from these schemas).
 */
export interface RouteSpec<A extends Auth, B, Q, P, I extends Idempotency = undefined> {
  summary: string;
  auth: A;
  body?: Schema<B>;
  query?: Schema<Q>;
  path?: Schema<P>;
  /** Schema of the success body; documented in OpenAPI and checked against responses in tests. */
  response?: Schema<unknown>;
  /** Status of a success (default 200). */
  status?: number;
  /** The success body is CSV text rather than JSON. */
  csv?: boolean;
  /** The success body is a zip archive (bytes, sent base64-encoded as the gateway expects), to download. */
  zip?: boolean;
  /** The success body is an HTML page (a string) rather than JSON: a page a link in an email opens. */
  html?: boolean;
  /**
   * The body may also be an HTML form (`application/x-www-form-urlencoded` or
   * `multipart/form-data`, as a mail client's one-click unsubscribe sends it), read into an object
   * of its fields and validated by `body` like JSON.
   */
  form?: boolean;
  /**
   * Whether a coordinator in scope (or an organisation's admin) may call this route for another
   * member by naming them in the `x-act-for` header. Every write then records actor and subject.
   * `true` is for active members only; `"any-status"` also for a pending, suspended or closed
   * member, on the routes that exist for them (exporting their data at their request).
   */
  actFor?: boolean | "any-status";
  /** Largest accepted request body; larger ones get 413 before parsing. */
  maxBodyBytes?: number;
  /**
   * The `Idempotency-Key` header: "required" on routes that move credit (a request without one
   * gets 400 before anything runs), "optional" where only some requests need it (its shape is
   * checked when sent). Documented in the OpenAPI document from here. The middleware chain builds
   * the request's idempotency context (key, member scope, fingerprint) and hands it to the handler.
   */
  idempotency?: I;
  /**
   * What a coordinator's or admin's successful call leaves in the member's access log (beside
   * acting for them, which every `actFor` route records): "export" marks acting as a copy of their
   * data; "path-member" records a read of the member named by `{memberId}` in the path.
   */
  accessLog?: "export" | "path-member";
  /**
   * "required": the route starts something new for the member acted for (a post, an exchange, an
   * answer to a match), which waits until they agreed to the city's terms in force (403
   * `CONSENT_REQUIRED`). Reading, changing one's profile, going on with what is under way,
   * exporting and closing never wait.
   */
  consent?: "required";
  /**
   * With `idempotency`: the name this route's requests are fingerprinted under (with the path
   * parameters, the member acted for and the body), so one key sent to two routes is a reuse.
   */
  operation?: string;
  /** With `idempotency: "optional"`: whether this request's body makes the key required after all. */
  idempotencyRequiredWhen?: (body: B) => boolean;
  /**
   * The route uses a coordinator's or an admin's powers, so a caller holding either role must have
   * signed in with a second factor (403 `MFA_REQUIRED` otherwise; residents are never asked).
   * `true` for routes that exist for those powers; a function for routes that are a member's own in
   * some requests (their own audit trail) and a power in others. Acting for another member
   * (`x-act-for`) is always a power, except an organisation's admin acting for it.
   */
  staff?: true | ((request: StaffRequest<P>) => boolean | Promise<boolean>);
}

/** What a route's `staff` function decides from: the caller (a coordinator or admin) and the path. */
export interface StaffRequest<P> {
  member: Member;
  path: P;
  deps: Deps;
}

type Idempotency = "required" | "optional" | undefined;

interface BaseInput<B, Q, P> {
  body: B;
  query: Q;
  path: P;
  deps: Deps;
  requestId: string;
  event: HttpEvent;
}
export interface PublicInput<B, Q, P> extends BaseInput<B, Q, P> {}
export interface SubjectInput<B, Q, P> extends BaseInput<B, Q, P> {
  /** The verified login subject (the token's `sub`). */
  loginSubject: string;
  /** The caller's member record, if they have joined (any status). */
  member: Member | undefined;
}
export interface MemberInput<B, Q, P, I extends Idempotency = undefined> extends BaseInput<B, Q, P>, Acting {
  loginSubject: string;
  /** The request's idempotency context, on routes whose contract declares `idempotency`. */
  idempotency: I extends "required" ? IdempotencyContext : IdempotencyContext | undefined;
}
type InputFor<A extends Auth, B, Q, P, I extends Idempotency> = A extends "member"
  ? MemberInput<B, Q, P, I>
  : A extends "subject"
    ? SubjectInput<B, Q, P>
    : PublicInput<B, Q, P>;

export interface RouteResult {
  status?: number;
  body: unknown;
  /** The name a download is saved under (routes whose body is a file). */
  filename?: string;
}

interface Parsed {
  body: unknown;
  query: unknown;
  path: unknown;
  loginSubject: string | undefined;
  member: Member | undefined;
  acting: Acting | undefined;
  idempotency: IdempotencyContext | undefined;
  deps: Deps;
}
type RouteContext = Context & { mutua?: Parsed };
type Request = middy.Request<HttpEvent, APIGatewayProxyStructuredResultV2, Error, RouteContext>;
type Middleware = MiddlewareObj<HttpEvent, APIGatewayProxyStructuredResultV2, Error, RouteContext>;

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

function requestIdOf(request: Request): string {
  return request.event.requestContext?.requestId ?? request.context.awsRequestId ?? "unknown";
}

function state(request: Request): Parsed {
  const parsed = request.context.mutua;
  if (!parsed) throw new Error("route state read before the middleware chain initialised it");
  return parsed;
}

function issuesOf(error: z.core.$ZodError, prefix: string) {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join("."),
    message: issue.message,
  }));
}

/** `message` names what is invalid, as a sentence ("Query parameters are invalid"). */
function validate<T>(schema: Schema<T>, value: unknown, message: string, prefix: string): T {
  const result = z.safeParse(schema, value);
  if (!result.success) throw new ValidationError(message, issuesOf(result.error, prefix));
  return result.data;
}

/** Turns typed domain errors into their status and `{error:{code,message}}`; masks anything else. */
const errorMapper: Middleware = {
  onError: async (request) => {
    const error = request.error;
    if (error instanceof DomainError) {
      request.response = errorResponse(error);
      return;
    }
    const requestId = requestIdOf(request);
    log.error("unhandled error", { requestId, ...describeError(error) });
    request.response = internalErrorResponse(requestId);
  },
};

function sameSecret(sent: string | undefined, expected: string): boolean {
  const a = Buffer.from(sent ?? "");
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const initialise: Middleware = {
  before: async (request) => {
    // In AWS the API answers only what came through the city's distribution (its firewall, its
    // rate limits): the gateway's own address is public, so a direct request is refused here.
    const { originSecret } = runtimeConfig();
    if (originSecret && !sameSecret(request.event.headers?.[ORIGIN_HEADER], originSecret)) {
      throw new ForbiddenError("Use the city's address: the API answers only through it");
    }
    const deps = productionDeps();
    request.context.mutua = {
      body: undefined,
      query: undefined,
      path: undefined,
      loginSubject: undefined,
      member: undefined,
      acting: undefined,
      idempotency: undefined,
      deps,
    };
    addLogContext({ city: deps.city.id });
  },
};

/** Whether a Content-Type names JSON in UTF-8 (the charset may be left out; JSON is UTF-8). */
function isJson(contentType: string | undefined): boolean {
  const [type = "", ...parameters] = (contentType ?? "").split(";").map((part) => part.trim().toLowerCase());
  if (type !== "application/json") return false;
  return parameters.every(
    (parameter) => !parameter.startsWith("charset=") || /^charset="?utf-8"?$/.test(parameter),
  );
}

/** The media type of a form, if the Content-Type names one. */
function formType(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase();
  return type === "application/x-www-form-urlencoded" || type === "multipart/form-data";
}

/** A form's text fields as an object (a field sent twice keeps its last value; files are refused). */
async function formFields(body: Buffer, contentType: string): Promise<Record<string, string>> {
  let data: FormData;
  try {
    data = await new Response(body, { headers: { "content-type": contentType } }).formData();
  } catch {
    throw new MalformedJsonError("Request body is not a readable form");
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of data.entries()) {
    if (typeof value !== "string") {
      throw new UnsupportedMediaTypeError("Forms may carry text fields only");
    }
    fields[name] = value;
  }
  return fields;
}

function bodyParser(maxBytes: number, form: boolean): Middleware {
  return {
    before: async (request) => {
      const { body, isBase64Encoded } = request.event;
      if (body === undefined || body === "") return;
      const bytes = isBase64Encoded ? Buffer.from(body, "base64") : Buffer.from(body, "utf8");
      if (bytes.byteLength > maxBytes) {
        throw new PayloadTooLargeError(`Request body is larger than ${maxBytes} bytes`);
      }
      const text = bytes.toString("utf8");
      const contentType = request.event.headers?.["content-type"];
      if (form && contentType && formType(contentType)) {
        state(request).body = await formFields(bytes, contentType);
        return;
      }
      // Only JSON is read: a form, XML, multipart or untyped body is refused, never guessed at
      // (forms only on the routes that take them).
      if (!isJson(contentType)) {
        throw new UnsupportedMediaTypeError(
          "Request bodies must be JSON: send content-type: application/json",
        );
      }
      try {
        state(request).body = JSON.parse(text);
      } catch {
        throw new MalformedJsonError("Request body is not valid JSON");
      }
    },
  };
}

function validator<A extends Auth, B, Q, P, I extends Idempotency>(
  spec: RouteSpec<A, B, Q, P, I>,
): Middleware {
  return {
    before: async (request) => {
      const parsed = state(request);
      if (spec.body) {
        if (parsed.body === undefined) {
          throw new ValidationError("Request body is required", [{ path: "body", message: "Required" }]);
        }
        parsed.body = validate(spec.body, parsed.body, "Request body is invalid", "");
      } else if (parsed.body !== undefined) {
        throw new ValidationError("This route takes no request body", [
          { path: "body", message: "Must be empty" },
        ]);
      }
      if (spec.query) {
        parsed.query = validate(
          spec.query,
          request.event.queryStringParameters ?? {},
          "Query parameters are invalid",
          "query",
        );
      } else if (Object.keys(request.event.queryStringParameters ?? {}).length > 0) {
        throw new ValidationError("This route takes no query parameters", [
          { path: "query", message: "Must be empty" },
        ]);
      }
      if (spec.path) {
        parsed.path = validate(
          spec.path,
          request.event.pathParameters ?? {},
          "Path parameters are invalid",
          "path",
        );
      }
      if (spec.idempotency) idempotencyKeyFrom(request.event.headers, spec.idempotency === "required");
    },
  };
}

/**
 * Refuses a coordinator or admin whose sign-in did not pass a second factor when this request uses
 * their powers: a staff route, or acting for another member (an organisation's admin acting for
 * it uses no power). Residents, and staff on their own resident business, are not asked.
 */
async function refuseStaffWithoutMfa(
  request: Request,
  staff: RouteSpec<Auth, unknown, unknown, unknown>["staff"],
  acting: Acting,
): Promise<void> {
  const { actor, subject } = acting;
  if (!isCoordinatorOrAdmin(actor) || passedMfa(request.event.requestContext.authorizer?.jwt?.claims)) return;
  const forOther =
    subject.memberId !== actor.memberId &&
    !(subject.kind === "organisation" && subject.admins.includes(actor.memberId));
  const parsed = state(request);
  const usesPower =
    forOther ||
    staff === true ||
    (typeof staff === "function" && (await staff({ member: actor, path: parsed.path, deps: parsed.deps })));
  if (usesPower) {
    throw new MfaRequiredError(
      "A coordinator's or an admin's powers need a sign-in with a second factor: set up an authenticator app, then sign in again",
    );
  }
}

function authenticator(
  auth: Auth,
  actFor: boolean | "any-status",
  staff: RouteSpec<Auth, unknown, unknown, unknown>["staff"],
  consent: "required" | undefined,
): Middleware {
  return {
    before: async (request) => {
      if (auth === "public") return;
      const parsed = state(request);
      // API Gateway's JWT authorizer (or the local adapter) has already verified the token.
      const subject = request.event.requestContext.authorizer?.jwt?.claims?.sub;
      if (typeof subject !== "string" || subject === "") {
        throw new UnauthorizedError("A valid bearer token is required");
      }
      parsed.loginSubject = subject;
      parsed.member = await parsed.deps.members.getBySubject(subject);
      // Every later line of this request names the caller (and whom they act for, below).
      addLogContext({ memberId: parsed.member?.memberId });
      const actForId = request.event.headers?.[ACT_FOR_HEADER];
      if (auth !== "member") return;
      if (!parsed.member) throw new ForbiddenError("Join the time bank first");
      if (!isActive(parsed.member)) throw new ForbiddenError(`Your membership is ${parsed.member.status}`);
      if (actForId && !actFor) {
        throw new ValidationError("This route cannot be used on behalf of another member", [
          { path: `headers.${ACT_FOR_HEADER}`, message: "Not accepted here" },
        ]);
      }
      parsed.acting = await resolveActing(
        parsed.deps,
        parsed.member,
        actForId,
        actFor === "any-status" ? "any-status" : "active",
      );
      await refuseStaffWithoutMfa(request, staff, parsed.acting);
      if (parsed.acting.subject !== parsed.member)
        addLogContext({ actingFor: parsed.acting.subject.memberId });
      // The member whose data the request processes must have agreed: a coordinator acting for
      // them records their consent first (POST /me/consents with x-act-for).
      if (consent === "required") requireConsent(parsed.deps.city, parsed.acting.subject);
    },
  };
}

/**
 * Builds the idempotency context of a route that declares one, once the body is valid and the
 * member acted for is known: the key (required when the contract or this body says so), scoped to
 * the signed-in member, and the fingerprint of what is asked.
 */
function idempotencyContext<A extends Auth, B, Q, P, I extends Idempotency>(
  spec: RouteSpec<A, B, Q, P, I>,
): Middleware {
  const { idempotency, operation } = spec;
  if (idempotency && !operation) throw new Error(`${spec.summary}: idempotency needs an operation name`);
  return {
    before: async (request) => {
      const parsed = state(request);
      if (!idempotency || !operation || !parsed.member) return;
      const required =
        idempotency === "required" || (spec.idempotencyRequiredWhen?.(parsed.body as B) ?? false);
      parsed.idempotency = idempotencyContextOf(
        request.event.headers,
        {
          scope: parsed.member.memberId,
          operation,
          path: parsed.path ?? {},
          subjectId: parsed.acting?.subject.memberId ?? parsed.member.memberId,
          body: parsed.body,
        },
        required,
      );
    },
  };
}

/**
 * Builds a Lambda handler for one HTTP route from its contract. The middleware chain runs in this order:
 * errorMapper (outermost, so it sees every failure) -> initialise (deps) -> bodyParser (size, media type, JSON)
 * -> validator (zod body, query, path; the Idempotency-Key's shape) -> authenticator (subject -> member
 * -> acting -> a second factor for staff powers) -> idempotencyContext (key, scope, fingerprint)
 * -> accessRecorder -> use-case; accessRecorder works on the way out, after the use-case succeeded,
 * so a refused request leaves no access record.
 * Validation precedes the member lookup so bad input costs no database read.
 */
export function httpRoute<
  A extends Auth,
  B = undefined,
  Q = undefined,
  P = Record<string, string>,
  I extends Idempotency = undefined,
>(spec: RouteSpec<A, B, Q, P, I>, run: (input: InputFor<A, B, Q, P, I>) => Promise<RouteResult>) {
  const handler = middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, RouteContext>()
    .use(errorMapper)
    .use(initialise)
    .use(bodyParser(spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, spec.form ?? false))
    .use(validator(spec))
    .use(
      authenticator(
        spec.auth,
        spec.actFor ?? false,
        spec.staff as RouteSpec<Auth, unknown, unknown, unknown>["staff"],
        spec.consent,
      ),
    )
    .use(idempotencyContext(spec))
    .use(accessRecorder(spec))
    .handler(async (event, context) => {
      const parsed = context.mutua;
      if (!parsed) throw new Error("route state missing");
      const input = {
        body: parsed.body,
        query: parsed.query,
        path: parsed.path ?? event.pathParameters ?? {},
        deps: parsed.deps,
        requestId: event.requestContext?.requestId ?? context.awsRequestId,
        event,
        loginSubject: parsed.loginSubject,
        member: parsed.member,
        ...parsed.acting,
        idempotency: parsed.idempotency,
        // The middlewares above established what the contract promises (a member, a key when required).
      } as unknown as InputFor<A, B, Q, P, I>;
      const result = await run(input);
      const status = result.status ?? spec.status ?? 200;
      if (spec.zip && result.body instanceof Uint8Array) {
        return fileResponse(status, result.body, "application/zip", result.filename ?? "export.zip");
      }
      if (spec.html && typeof result.body === "string") return htmlResponse(status, result.body);
      return spec.csv && typeof result.body === "string"
        ? textResponse(status, result.body, "text/csv; charset=utf-8")
        : jsonResponse(status, result.body);
    });
  // The request's log fields: Lambda's request id, the gateway's (the access log's key), the
  // function, the route and whether the process is cold; the middleware chain adds the city and, once authenticated, the caller.
  const logged = (event: HttpEvent, context: Context) =>
    withLogContext(
      {
        ...invocationFields(context),
        apiRequestId: event.requestContext?.requestId,
        route: event.routeKey,
      },
      () => handler(event, context as RouteContext),
    );
  return Object.assign(logged, { contract: spec });
}

/**
 * Leaves an access record when a coordinator or admin reached another member's data: by acting
 * for them, or by reading a member named in the path (`accessLog` of the contract). Only after
 * success: a refusal writes nothing.
 */
function accessRecorder(spec: { accessLog?: "export" | "path-member" }): Middleware {
  return {
    after: async (request) => {
      const parsed = state(request);
      const actor = parsed.acting?.actor ?? parsed.member;
      if (!actor) return;
      let subject = parsed.acting?.subject;
      if (spec.accessLog === "path-member") {
        const path = parsed.path ?? request.event.pathParameters;
        const memberId = (path as { memberId?: unknown } | undefined)?.memberId;
        subject = typeof memberId === "string" ? await parsed.deps.members.get(memberId) : undefined;
      }
      if (!subject) return;
      const record = accessRecordFor(
        actor,
        subject,
        {
          route: request.event.routeKey ?? "",
          method: request.event.requestContext?.http?.method ?? "GET",
          export: spec.accessLog === "export",
        },
        parsed.deps.clock.now().toISOString(),
        parsed.deps.ids.next(),
      );
      if (record) await parsed.deps.accessLog.record(record, parsed.deps.city.retention.accessLogDays);
    },
  };
}

/** What the OpenAPI generator and the contract tests read from a route module. */
export type RouteContract = RouteSpec<Auth, unknown, unknown, unknown, Idempotency>;
