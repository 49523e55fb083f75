import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { NotFoundError } from "#domain/kernel/errors.ts";
import { errorResponse } from "./errors.ts";

/**
 * The gateway's catch-all route, so an unknown path gets Mutua's error shape. It bypasses the
 * middleware chain on purpose: whatever the body or token, the answer is 404.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return errorResponse(
    new NotFoundError(`No route for ${event.requestContext.http.method} ${event.rawPath}`),
  );
}
