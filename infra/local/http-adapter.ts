import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, resolve, sep } from "node:path";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { functionName, type HttpRouteEntry, type Manifest } from "../manifest.ts";
import { loadHandler } from "./handlers.ts";
import type { DevIssuer } from "./identity.ts";
import { lambdaContext } from "./lambda-context.ts";

/** API Gateway HTTP APIs refuse request bodies over 10 MB; so does the adapter. */
const MAX_GATEWAY_BODY_BYTES = 10 * 1024 * 1024;

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

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
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
    const pathParameters =
      candidate.params.length > 0
        ? Object.fromEntries(
            candidate.params.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]),
          )
        : undefined;
    return { route: candidate, pathParameters };
  }
  return { route: undefined, pathParameters: undefined };
}

/** A route only the local runtime serves: it gets the raw body and answers JSON. */
export type LocalRoute = (request: { body: Buffer }) => Promise<{ status?: number; body: unknown }>;

/** The built web app: its files, and the headers every page and file carries. */
export interface StaticSite {
  dir: string;
  headers: Record<string, string>;
}

export interface HttpAdapterOptions {
  manifest: Manifest;
  issuer: DevIssuer;
  /** Routes only the local runtime serves, by full path: "GET /api/openapi.json" -> route. */
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
  return createServer((req, res) => {
    const started = performance.now();
    handle(req, res)
      .catch((error: unknown) => {
        console.error("local adapter failure", error);
        if (!res.headersSent)
          send(res, 500, { error: { code: "INTERNAL", message: "Local adapter failure" } });
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    const body = await readBody(req);
    if (body === "too-large") {
      send(res, 413, { error: { code: "PAYLOAD_TOO_LARGE", message: "Request body is larger than 10 MB" } });
      return;
    }
    const local = options.localRoutes?.[`${method} ${url.pathname}`];
    if (local) {
      const answer = await local({ body });
      send(res, answer.status ?? 200, answer.body);
      return;
    }
    if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) {
      serveSite(options.site, method, url.pathname, res);
      return;
    }
    const path = url.pathname.slice(API_PREFIX.length) || "/";
    const { route, pathParameters } = findRoute(routes, method, path);

    let claims: Record<string, string> | undefined;
    if (route?.auth) {
      const header = req.headers.authorization ?? "";
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (!token) {
        send(res, 401, { error: { code: "UNAUTHORIZED", message: "A bearer token is required" } });
        return;
      }
      try {
        claims = gatewayClaims(await options.issuer.verify(token));
      } catch {
        send(res, 401, { error: { code: "UNAUTHORIZED", message: "The bearer token is not valid" } });
        return;
      }
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
  send(res, 200, result);
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
    send(res, 404, { error: { code: "NOT_FOUND", message: "No such route" } });
    return;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    send(res, 400, { error: { code: "VALIDATION_FAILED", message: "The address is not valid" } });
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
