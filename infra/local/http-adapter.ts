import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import { extname, resolve, sep } from "node:path";
import type { Duplex } from "node:stream";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import {
  type DomainError,
  MalformedRequestError,
  NotFoundError,
  PayloadTooLargeError,
  RequestHeadersTooLargeError,
  UnauthorizedError,
  ValidationError,
} from "#domain/kernel/errors.ts";
import { errorResponse, internalErrorResponse, jsonResponse } from "../../functions/http/errors.ts";
import { functionName, type HttpRouteEntry, type Manifest } from "../manifest.ts";
import { loadHandler } from "./handlers.ts";
import type { DevIssuer } from "./identity.ts";
import { lambdaContext } from "./lambda-context.ts";

/** API Gateway HTTP APIs refuse request bodies over 10 MB; so does the adapter. */
const MAX_GATEWAY_BODY_BYTES = 10 * 1024 * 1024;
/** HTTP APIs take at most 10,240 bytes of request line and headers together; so does the adapter. */
const MAX_GATEWAY_HEADER_BYTES = 10 * 1024;

/**
 * The API lives under this path, beside the web app on one origin (in AWS the edge sends `/api/*`
 * to the HTTP API with the prefix stripped), so the manifest's paths stay as they are.
 */
export const API_PREFIX = "/api";

export interface CompiledRoute extends HttpRouteEntry {
  pattern: RegExp;
  params: string[];
}

export function compileRoutes(manifest: Manifest): CompiledRoute[] {
  return manifest.routes.map((route) => {
    const params: string[] = [];
    const source = route.path
      .split("/")
      .map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        if (!param?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
        params.push(param[1]);
        return "([^/]+)";
      })
      .join("/");
    return { ...route, pattern: new RegExp(`^${source}$`), params };
  });
}

function sendError(res: ServerResponse, error: DomainError): void {
  writeResult(res, errorResponse(error));
}

async function readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_GATEWAY_BODY_BYTES) return "too-large";
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Claims as the HTTP API authorizer passes them: every value a string. */
function gatewayClaims(payload: Record<string, unknown>): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    claims[name] = Array.isArray(value) ? `[${value.join(" ")}]` : String(value);
  }
  return claims;
}

/** The manifest route serving a request, as API Gateway picks it, with its path parameters. */
export function findRoute(
  routes: readonly CompiledRoute[],
  method: string,
  pathname: string,
): { route: CompiledRoute | undefined; pathParameters: Record<string, string> | undefined } {
  // Literal segments win over parameters, as in API Gateway (/members/join before /members/{id}).
  const ordered = [...routes].sort((a, b) => a.params.length - b.params.length);
  for (const candidate of ordered) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(pathname);
    if (!match) continue;
    if (candidate.params.length === 0) return { route: candidate, pathParameters: undefined };
    const values = candidate.params.map((_, i) => decodePathSegment(match[i + 1] ?? ""));
    // A segment that is not valid percent-encoded UTF-8 matches no route: the HTTP API then
    // answers from `$default` (Mutua's 404), as it does for a path with no route.
    if (values.some((value) => value === undefined)) continue;
    return {
      route: candidate,
      pathParameters: Object.fromEntries(candidate.params.map((name, i) => [name, values[i] ?? ""])),
    };
  }
  return { route: undefined, pathParameters: undefined };
}

/** A path segment's text, or undefined when its percent-encoding is malformed (`%ZZ`, a cut `%E0%A4`). */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * A route only the local runtime serves (the OpenAPI document, the outbox, the development
 * sign-in, export archives); with `auth`, it takes the same tokens as every other route. It answers
 * JSON, or a whole result of its own.
 */
export interface LocalRoute {
  auth: boolean;
  handle(request: {
    body: Buffer;
    /** The verified token's claims, on an `auth` route. */
    claims: Record<string, string> | undefined;
    query: URLSearchParams;
    /** A whole answer (a file, an error in the house shape) rather than JSON. */
  }): Promise<{ status?: number; body: unknown } | { result: APIGatewayProxyStructuredResultV2 }>;
}

/** The built web app: its files, and the headers every page and file carries. */
export interface StaticSite {
  dir: string;
  headers: Record<string, string>;
}

export interface HttpAdapterOptions {
  manifest: Manifest;
  issuer: DevIssuer;
  /** Routes only the local runtime serves, by method and full path: "GET /api/openapi.json". */
  localRoutes?: Record<string, LocalRoute>;
  /** Everything outside `/api` is the web app, with index.html for page navigations. */
  site?: StaticSite;
  /** Called after each request, for the console log. */
  onRequest?: (line: { method: string; path: string; status: number; ms: number }) => void;
}

/**
 * Serves manifest routes the way API Gateway's HTTP API does: payload format 2.0 events, JWT
 * verification on routes that need it (claims passed through, 401 otherwise), `$default` for the rest.
 */
export function createHttpAdapter(options: HttpAdapterOptions): Server {
  const routes = compileRoutes(options.manifest);
  const server = createServer({ maxHeaderSize: MAX_GATEWAY_HEADER_BYTES }, (req, res) => {
    const started = performance.now();
    handle(req, res)
      .catch((error: unknown) => {
        const requestId = randomUUID();
        console.error("local adapter failure", requestId, error);
        if (!res.headersSent) writeResult(res, internalErrorResponse(requestId));
      })
      .finally(() => {
        options.onRequest?.({
          method: req.method ?? "",
          path: req.url ?? "",
          status: res.statusCode,
          ms: performance.now() - started,
        });
      });
  });
  server.on("clientError", answerUnreadableRequest);
  return server;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    const body = await readBody(req);
    if (body === "too-large") {
      sendError(res, new PayloadTooLargeError("Request body is larger than 10 MB"));
      return;
    }
    const key = `${method} ${url.pathname}`;
    const local = Object.hasOwn(options.localRoutes ?? {}, key) ? options.localRoutes?.[key] : undefined;
    if (!local && url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) {
      serveSite(options.site, method, url.pathname, res);
      return;
    }
    const path = url.pathname.slice(API_PREFIX.length) || "/";
    const { route, pathParameters } = local
      ? { route: undefined, pathParameters: undefined }
      : findRoute(routes, method, path);

    let claims: Record<string, string> | undefined;
    if (local?.auth ?? route?.auth) {
      const header = req.headers.authorization ?? "";
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (!token) {
        sendError(res, new UnauthorizedError("A bearer token is required"));
        return;
      }
      try {
        claims = gatewayClaims(await options.issuer.verify(token));
      } catch {
        sendError(res, new UnauthorizedError("The bearer token is not valid"));
        return;
      }
    }
    if (local) {
      const answer = await local.handle({ body, claims, query: url.searchParams });
      writeResult(res, "result" in answer ? answer.result : jsonResponse(answer.status ?? 200, answer.body));
      return;
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
    }
    const query = url.searchParams;
    const queryStringParameters: Record<string, string> = {};
    for (const name of new Set(query.keys())) queryStringParameters[name] = query.getAll(name).join(",");
    const now = new Date();
    const routeKey = route ? `${route.method} ${route.path}` : "$default";
    const event: APIGatewayProxyEventV2WithJWTAuthorizer = {
      version: "2.0",
      routeKey,
      rawPath: path,
      rawQueryString: url.search.slice(1),
      headers,
      ...(query.size > 0 ? { queryStringParameters } : {}),
      ...(pathParameters ? { pathParameters } : {}),
      requestContext: {
        accountId: "000000000000",
        apiId: "local",
        domainName: headers.host ?? "localhost",
        domainPrefix: "localhost",
        http: {
          method,
          path,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
          userAgent: headers["user-agent"] ?? "",
        },
        requestId: randomUUID(),
        routeKey,
        stage: "$default",
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        authorizer: claims
          ? { principalId: "", integrationLatency: 0, jwt: { claims, scopes: [] } }
          : undefined,
      } as APIGatewayProxyEventV2WithJWTAuthorizer["requestContext"],
      isBase64Encoded: false,
      ...(body.length > 0 ? { body: body.toString("utf8") } : {}),
    };

    const modulePath = route?.handler ?? options.manifest.notFound.handler;
    const handler = await loadHandler(modulePath);
    const result: unknown = await handler(event, lambdaContext(functionName(modulePath)));
    writeResult(res, result);
  }
}

/** Applies API Gateway's rules for turning a payload-2.0 result into an HTTP response. */
function writeResult(res: ServerResponse, result: unknown): void {
  if (typeof result === "object" && result !== null && "statusCode" in result) {
    const structured = result as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name] = String(value);
    res.writeHead(structured.statusCode ?? 200, headers);
    const body = structured.body ?? "";
    res.end(structured.isBase64Encoded ? Buffer.from(body, "base64") : body);
    return;
  }
  // A bare value is sent as a JSON 200, as the gateway does.
  writeResult(res, jsonResponse(200, result));
}

/**
 * Node's HTTP parser refused the request (headers over the limit, a malformed request line):
 * answer in the house shape rather than Node's empty body, then close the connection.
 */
function answerUnreadableRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === "ECONNRESET" || error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    socket.destroy();
    return;
  }
  const result = errorResponse(
    error.code === "HPE_HEADER_OVERFLOW"
      ? new RequestHeadersTooLargeError("The request line and headers are larger than 10,240 bytes")
      : new MalformedRequestError("The HTTP request could not be read"),
  );
  const status = result.statusCode ?? 400;
  const body = result.body ?? "";
  const headers = { ...result.headers, "content-length": Buffer.byteLength(body), connection: "close" };
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n${head.join("")}\r\n${body}`);
}

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Serves the built web app as the edge does: its files, index.html for any page address (the app
 * routes in the browser), hashed assets cached for good and everything else revalidated.
 */
function serveSite(
  site: StaticSite | undefined,
  method: string,
  pathname: string,
  res: ServerResponse,
): void {
  if (method !== "GET" && method !== "HEAD") {
    sendError(res, new NotFoundError("No such route"));
    return;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendError(res, new ValidationError("The address is not valid"));
    return;
  }
  const index = site ? resolve(site.dir, "index.html") : undefined;
  if (!site || !index || !existsSync(index)) {
    res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
    res.end("The web app is not built. Run `npm start`, which builds it, or `npm run build:web`.\n");
    return;
  }
  const file = resolve(site.dir, `.${decoded}`);
  const inside = file.startsWith(`${resolve(site.dir)}${sep}`);
  const isFile = inside && existsSync(file) && statSync(file).isFile();
  let served: string | undefined;
  if (isFile) served = file;
  else if (extname(decoded) === "") served = index;
  if (!served) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8", ...site.headers });
    res.end("Not found\n");
    return;
  }
  const body = readFileSync(served);
  res.writeHead(200, {
    "content-type": contentTypes[extname(served)] ?? "application/octet-stream",
    "content-length": String(body.length),
    // Vite names every asset by its content hash: it never changes under the same name.
    "cache-control": decoded.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    ...site.headers,
  });
  res.end(method === "HEAD" ? undefined : body);
}
