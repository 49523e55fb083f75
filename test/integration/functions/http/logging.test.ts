import type { Context } from "aws-lambda";
import { expect, it, vi } from "vitest";
import { MFA_CLAIM } from "#shared/mfa.ts";
import type { HttpEvent } from "../../../../functions/http/route.ts";
import { httpRoute } from "../../../../functions/http/route.ts";
import { demoSubject } from "../../../../infra/local/demo.ts";
import { lambdaContext } from "../../../../infra/local/lambda-context.ts";
import { log } from "../../../../shared/logger.ts";
import { useTestCity } from "../../../support/city.ts";

/** Every log line of an HTTP request names the request, the function, the route, the city, the caller and whether the process was cold. */
const city = useTestCity();

function event(subject: string, headers: Record<string, string> = {}): HttpEvent {
  return {
    version: "2.0",
    routeKey: "GET /probe",
    rawPath: "/probe",
    rawQueryString: "",
    headers,
    isBase64Encoded: false,
    requestContext: {
      requestId: "api-req-7",
      http: { method: "GET", path: "/probe", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "t" },
      // Signed in with a second factor, as staff must be to act for a member.
      authorizer: { jwt: { claims: { sub: subject, [MFA_CLAIM]: "true" }, scopes: [] } },
    },
  } as unknown as HttpEvent;
}

/** The JSON lines written to stdout while `fn` runs. */
async function linesOf(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => {
    written.push(String(chunk));
    return true;
  });
  try {
    await fn();
  } finally {
    out.mockRestore();
  }
  return written.flatMap((chunk) => chunk.split("\n").filter(Boolean)).map((line) => JSON.parse(line));
}

const probe = httpRoute({ summary: "probe", auth: "member", actFor: true }, async () => {
  log.info("probe ran");
  return { body: {} };
});

it("logs JSON lines with the request ids, the function, the route, a cold-start flag, the city and the caller's member id", async () => {
  const context: Context = lambdaContext("http-members");
  const lines = await linesOf(() => probe(event(demoSubject("amira")), context));
  const line = lines.find((l) => l.message === "probe ran");
  expect(line).toEqual({
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    level: "INFO",
    message: "probe ran",
    requestId: context.awsRequestId,
    apiRequestId: "api-req-7",
    function: "http-members",
    coldStart: expect.any(Boolean),
    route: "GET /probe",
    city: "riverside",
    memberId: city.runtime.demoIds?.amira,
  });
});

it("names whom a coordinator acts for, and keeps concurrent requests apart", async () => {
  const ids = city.runtime.demoIds ?? {};
  // Dora coordinates the whole city, so she may act for Ben; Amira calls at the same time.
  const lines = await linesOf(() =>
    Promise.all([
      probe(event(demoSubject("dora"), { "x-act-for": ids.ben ?? "" }), lambdaContext("http-members")),
      probe(event(demoSubject("amira")), lambdaContext("http-members-read")),
    ]),
  );
  const ran = lines.filter((l) => l.message === "probe ran");
  expect(ran).toHaveLength(2);
  expect(ran.find((l) => l.memberId === ids.dora)).toMatchObject({
    function: "http-members",
    actingFor: ids.ben,
  });
  const amira = ran.find((l) => l.memberId === ids.amira);
  expect(amira).toMatchObject({ function: "http-members-read" });
  expect(amira).not.toHaveProperty("actingFor");
});
