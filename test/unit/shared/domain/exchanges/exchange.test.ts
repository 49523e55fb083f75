import { describe, expect, it } from "vitest";
import { counterparts, type Exchange } from "#domain/exchanges/exchange.ts";
import type { Transition } from "#domain/exchanges/requests.ts";
import { applyTransition } from "#domain/exchanges/state-machine.ts";
import { ForbiddenError, RuleViolationError, ValidationError } from "#domain/kernel/errors.ts";
import { sampleAt, sampleExchange } from "../../../../support/exchanges.ts";

const at = sampleAt;
const exchange = sampleExchange;
const step = (e: Exchange, who: string, t: Transition) =>
  applyTransition(e, who, t, "2025-03-02T10:00:00.000Z", who);

describe("exchange transitions", () => {
  it("a group exchange is accepted when every counterpart has accepted", () => {
    const e = exchange();
    expect(counterparts(e).map((p) => p.memberId)).toEqual(["r1", "r2"]);
    const once = step(e, "r1", { action: "accept" }).next;
    expect(once).toMatchObject({ status: "proposed", acceptedBy: ["r1"], version: 2, statusAt: at });
    const twice = step(once, "r2", { action: "accept" }).next;
    expect(twice).toMatchObject({ status: "accepted", statusAt: "2025-03-02T10:00:00.000Z" });
    expect(() => step(e, "p", { action: "accept" })).toThrow(ForbiddenError);
    expect(() => step(once, "r1", { action: "accept" })).toThrow(RuleViolationError);
  });

  it("the provider completes with minutes per pair; the last receiver's confirmation settles", () => {
    const accepted = exchange({ status: "accepted", acceptedBy: ["r1", "r2"] });
    expect(() => step(accepted, "r1", { action: "complete", minutes: 30 })).toThrow(ForbiddenError);
    expect(() => step(accepted, "p", { action: "complete" })).toThrow(ValidationError);
    expect(() => step(accepted, "p", { action: "complete", legs: [{ memberId: "zz", minutes: 5 }] })).toThrow(
      ValidationError,
    );
    const completed = step(accepted, "p", {
      action: "complete",
      minutes: 45,
      legs: [{ memberId: "r2", minutes: 90 }],
    }).next;
    expect(completed.legs.map((l) => l.actualMinutes)).toEqual([45, 90]);
    const first = step(completed, "r1", { action: "confirm" });
    expect(first).toMatchObject({ settle: false, next: { status: "completed", confirmedBy: ["r1"] } });
    const last = step(first.next, "r2", { action: "confirm" });
    expect(last).toMatchObject({
      settle: true,
      next: { status: "settled", settledMinutes: 135, transferId: "X-E1" },
    });
  });

  it("terminal states accept nothing, and outsiders nothing at all", () => {
    for (const status of ["settled", "declined", "cancelled"] as const) {
      for (const t of [
        { action: "accept" },
        { action: "decline" },
        { action: "cancel" },
        { action: "complete", minutes: 5 },
        { action: "confirm" },
        { action: "dispute", reason: "why" },
      ] as Transition[]) {
        const who = t.action === "complete" ? "p" : "r1";
        expect(() => step(exchange({ status }), who, t), `${status} ${t.action}`).toThrow(
          t.action === "decline" || t.action === "accept" || t.action === "cancel" || t.action === "dispute"
            ? RuleViolationError
            : /cannot be/,
        );
      }
    }
    expect(() => step(exchange(), "stranger", { action: "accept" })).toThrow(ForbiddenError);
  });

  it("disputes are open to any party while accepted or completed", () => {
    const disputed = step(exchange({ status: "completed" }), "r2", {
      action: "dispute",
      reason: "Too long",
    }).next;
    expect(disputed).toMatchObject({ status: "disputed", dispute: { by: "r2", reason: "Too long" } });
    expect(() => step(exchange(), "r1", { action: "dispute", reason: "Early" })).toThrow(RuleViolationError);
  });
});
