import middy, { type MiddlewareObj } from "@middy/core";
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { productionDeps } from "../../shared/data/deps.ts";
import {
  DomainError,
  ForbiddenError,
  MalformedJsonError,
  PayloadTooLargeError,
  UnauthorizedError,
  ValidationError,
} from "../../shared/domain/errors.ts";
import { isActive, type Member } from "../../shared/domain/member.ts";
import type { Deps } from "../../shared/domain/ports.ts";
import { describeError, log } from "../../shared/logger.ts";
import { z } from "../../shared/zod.ts";
import { errorResponse, internalErrorResponse, jsonResponse } from "./errors.ts";

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
type Schema<T> = z.ZodMiniType<T>;

/**
 * public: anyone. subject: a verified login, joined or not. member: an active member of the city.
 * The identity comes from the verified token's `sub` only; roles are read from Mutua's own data.
 */
export type Auth = "public" | "subject" | "member";

export interface RouteSpec<B, Q> {
  auth: Auth;
  body?: Schema<B>;
  query?: Schema<Q>;
  /** Largest accepted request body; larger ones get 413 before parsing. */
  maxBodyBytes?: number;
}

export interface RouteInput<B, Q> {
  body: B;
  query: Q;
  path: Record<string, string>;
  subject: string | undefined;
  member: Member | undefined;
  deps: Deps;
  requestId: string;
  event: HttpEvent;
}

export interface RouteResult {
  status?: number;
  body: unknown;
}

interface Parsed {
  body: unknown;
  query: unknown;
  subject: string | undefined;
  member: Member | undefined;
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
  if (!parsed) throw new Error("route state read before the stack initialised it");
  return parsed;
}

function issuesOf(error: z.core.$ZodError, prefix: string) {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join("."),
    message: issue.message,
  }));
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

const initialise: Middleware = {
  before: async (request) => {
    request.context.mutua = {
      body: undefined,
      query: undefined,
      subject: undefined,
      member: undefined,
      deps: productionDeps(),
    };
  },
};

function bodyParser(maxBytes: number): Middleware {
  return {
    before: async (request) => {
      const { body, isBase64Encoded } = request.event;
      if (body === undefined || body === "") return;
      const text = isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
      if (Buffer.byteLength(text, "utf8") > maxBytes) {
        throw new PayloadTooLargeError(`Request body is larger than ${maxBytes} bytes`);
      }
      try {
        state(request).body = JSON.parse(text);
      } catch {
        throw new MalformedJsonError("Request body is not valid JSON");
      }
    },
  };
}

function validator(spec: RouteSpec<unknown, unknown>): Middleware {
  return {
    before: async (request) => {
      const parsed = state(request);
      if (spec.body) {
        if (parsed.body === undefined) {
          throw new ValidationError("Request body is required", [{ path: "body", message: "Required" }]);
        }
        const result = z.safeParse(spec.body, parsed.body);
        if (!result.success) throw new ValidationError("Request body is invalid", issuesOf(result.error, ""));
        parsed.body = result.data;
      } else if (parsed.body !== undefined) {
        throw new ValidationError("This route takes no request body", [
          { path: "body", message: "Must be empty" },
        ]);
      }
      if (spec.query) {
        const result = z.safeParse(spec.query, request.event.queryStringParameters ?? {});
        if (!result.success) {
          throw new ValidationError("Query parameters are invalid", issuesOf(result.error, "query"));
        }
        parsed.query = result.data;
      }
    },
  };
}

function authenticator(auth: Auth): Middleware {
  return {
    before: async (request) => {
      if (auth === "public") return;
      const parsed = state(request);
      // API Gateway's JWT authorizer (or the local adapter) has already verified the token.
      const subject = request.event.requestContext.authorizer?.jwt?.claims?.sub;
      if (typeof subject !== "string" || subject === "") {
        throw new UnauthorizedError("A valid bearer token is required");
      }
      parsed.subject = subject;
      parsed.member = await parsed.deps.members.getBySubject(subject);
      if (auth === "member") {
        if (!parsed.member) throw new ForbiddenError("Join the time bank first");
        if (!isActive(parsed.member)) {
          throw new ForbiddenError(`Your membership is ${parsed.member.status}`);
        }
      }
    },
  };
}

/**
 * Builds a Lambda handler for one HTTP route. The stack runs in this order:
 * errorMapper (outermost, so it sees every failure) -> initialise (deps) -> bodyParser (size, JSON)
 * -> validator (zod body and query) -> authenticator (subject -> member) -> the route's use-case.
 * Validation precedes the member lookup so bad input costs no database read.
 */
export function httpRoute<B = undefined, Q = undefined>(
  spec: RouteSpec<B, Q>,
  run: (input: RouteInput<B, Q>) => Promise<RouteResult>,
) {
  return middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, RouteContext>()
    .use(errorMapper)
    .use(initialise)
    .use(bodyParser(spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES))
    .use(validator(spec as RouteSpec<unknown, unknown>))
    .use(authenticator(spec.auth))
    .handler(async (event, context) => {
      const parsed = context.mutua;
      if (!parsed) throw new Error("route state missing");
      const result = await run({
        body: parsed.body as B,
        query: parsed.query as Q,
        path: (event.pathParameters ?? {}) as Record<string, string>,
        subject: parsed.subject,
        member: parsed.member,
        deps: parsed.deps,
        requestId: event.requestContext?.requestId ?? context.awsRequestId,
        event,
      });
      return jsonResponse(result.status ?? 200, result.body);
    });
}
