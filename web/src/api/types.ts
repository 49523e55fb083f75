import type { paths } from "./schema.gen.ts";

type JsonOf<R> = R extends { content: { "application/json": infer T } } ? T : never;
type Success<O> = O extends { responses: infer R }
  ? R extends { 200: infer S }
    ? JsonOf<S>
    : R extends { 201: infer S }
      ? JsonOf<S>
      : never
  : never;

/** The JSON a route answers on success: `Answer<"/me", "get">`. */
export type Answer<P extends keyof paths, M extends keyof paths[P]> = Success<paths[P][M]>;
/** The JSON body a route takes. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

export type Me = Answer<"/me", "get">;
export type Member = NonNullable<Me["member"]>;
export type PrivateMember = Answer<"/me/profile", "patch">;
export type PostCard = Answer<"/posts", "get">["items"][number];
export type Post = Answer<"/posts/{postId}", "get">;
export type Match = Answer<"/me/matches", "get">["items"][number];
export type Exchange = Answer<"/exchanges/{exchangeId}", "get">;
export type Notification = Answer<"/me/inbox", "get">["items"][number];
export type Account = Answer<"/me/account", "get">;
export type StatementLine = Answer<"/me/statement", "get">["items"][number];
export type PublicMember = Answer<"/members/{memberId}", "get">;
export type Conversation = Answer<"/me/conversations", "get">["items"][number];
export type ConversationMessage = Answer<"/conversations/{conversationId}/messages", "get">["items"][number];
export type ExportJob = Answer<"/me/exports/{jobId}", "get">;
