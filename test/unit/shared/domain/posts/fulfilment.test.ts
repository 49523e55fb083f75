import { describe, expect, it } from "vitest";
import { fulfilled, placesTaken } from "#domain/posts/fulfilment.ts";
import type { Post } from "#domain/posts/post.ts";
import { sampleAt, sampleExchange } from "../../../../support/exchanges.ts";

// Pia (p) gives a workshop to Rob (r1) and Rae (r2).
const workshop = sampleExchange({ status: "settled" });
const post = (fields: Partial<Post>) =>
  ({ postId: "P", ownerId: "p", kind: "offer", capacity: 1, status: "open", ...fields }) as Post;

describe("what a settled exchange takes of a post", () => {
  it("an offer: one place per receiver its owner gave to; a request: its owner must have received", () => {
    expect(placesTaken(post({ kind: "offer", ownerId: "p" }), workshop)).toBe(2);
    expect(placesTaken(post({ kind: "offer", ownerId: "r1" }), workshop)).toBeUndefined();
    expect(placesTaken(post({ kind: "request", ownerId: "r1" }), workshop)).toBe(1);
    expect(placesTaken(post({ kind: "request", ownerId: "p" }), workshop)).toBeUndefined();
    expect(placesTaken(post({ kind: "request", ownerId: "someone-else" }), workshop)).toBeUndefined();
  });

  it("closes a request at once and an offer when full; counts each exchange once; leaves closed posts", () => {
    expect(fulfilled(post({ kind: "request", ownerId: "r2", capacity: 5 }), workshop, sampleAt)?.status).toBe(
      "fulfilled",
    );
    const class5 = fulfilled(post({ capacity: 5 }), workshop, sampleAt);
    expect(class5).toMatchObject({ status: "open", fulfilment: { placesTaken: 2, exchangeIds: ["E1"] } });
    expect(fulfilled(class5 as Post, workshop, sampleAt)).toBeUndefined();
    const second = fulfilled(class5 as Post, { ...workshop, exchangeId: "E2" }, sampleAt);
    expect(second).toMatchObject({ status: "open", fulfilment: { placesTaken: 4 } });
    const third = fulfilled(second as Post, { ...workshop, exchangeId: "E3" }, sampleAt);
    expect(third).toMatchObject({ status: "fulfilled", updatedBy: "system", fulfilment: { placesTaken: 6 } });
    expect(fulfilled(post({ status: "withdrawn" }), workshop, sampleAt)).toBeUndefined();
  });
});
