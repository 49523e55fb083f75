/**
 * The routes that take `x-act-for` (their contracts say `actFor`), as "METHOD /path/{param}". While
 * a coordinator acts for a member, the client names that member on these routes only; every other
 * route (the coordinator's own tools, `GET /me`) goes out as the coordinator. A unit test checks this
 * list against the API's OpenAPI document, so the two cannot drift.
 */
export const actForRoutes: ReadonlySet<string> = new Set([
  "GET /posts",
  "POST /posts",
  "GET /posts/{postId}",
  "PATCH /posts/{postId}",
  "POST /posts/{postId}/status",
  "GET /posts/{postId}/matches",
  "GET /me/posts",
  "PATCH /me/profile",
  "GET /me/export",
  "GET /me/export.zip",
  "GET /me/access-log",
  "POST /me/consents",
  "POST /me/close",
  "GET /me/inbox",
  "POST /me/inbox/{notificationId}/read",
  "GET /me/matches",
  "POST /matches/{matchId}/answer",
  "POST /exchanges",
  "GET /exchanges/{exchangeId}",
  "POST /exchanges/{exchangeId}/transitions",
  "POST /exchanges/{exchangeId}/statements",
  "GET /me/exchanges",
  "GET /me/account",
  "GET /me/statement",
  "GET /me/statement.csv",
  "POST /pot/donations",
  "POST /activities/{activityId}/redemptions",
  "GET /me/redemption-requests",
  "POST /redemption-requests/{requestId}/approval",
  "POST /redemption-requests/{requestId}/decline",
  "GET /me/conversations",
  "GET /conversations/{conversationId}/messages",
  "POST /conversations/{conversationId}/messages",
  "POST /conversations/{conversationId}/read",
  "POST /conversations/{conversationId}/block",
  "POST /conversations/{conversationId}/reports",
]);
