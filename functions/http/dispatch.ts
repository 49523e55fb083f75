import type { APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { handler as notFound } from "./not-found.ts";
import type { HttpEvent } from "./route.ts";

/** A route handler module's `handler`, as API Gateway (payload 2.0) invokes it. */
export type RouteHandler = (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The handler of a function that serves several manifest routes. API Gateway names the route it
 * matched in `event.routeKey` (`POST /posts/{postId}/status`), so the event goes unchanged to that
 * route's own handler; a key the function does not serve (`$default` included) gets the same 404
 * as the catch-all route.
 */
export function dispatchByRouteKey(routes: Readonly<Record<string, RouteHandler>>): RouteHandler {
  return (event, context) => {
    const route = Object.hasOwn(routes, event.routeKey) ? routes[event.routeKey] : undefined;
    return (route ?? notFound)(event, context);
  };
}
