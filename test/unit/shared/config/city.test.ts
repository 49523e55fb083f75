import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CityConfigError, parseCity, parseCityJson } from "#shared/config/city.ts";

const example = JSON.parse(readFileSync(new URL("../../../../cities/example.json", import.meta.url), "utf8"));

function withChange(change: (city: Record<string, unknown>) => void): unknown {
  const copy = structuredClone(example);
  change(copy);
  return copy;
}

describe("city configuration", () => {
  it("accepts the example city", () => {
    expect(parseCity(example).name).toBe("Riverside");
  });

  it.each([
    [
      "timezone",
      (c: Record<string, unknown>) => (c.timezone = "Mars/Olympus"),
      "timezone: must be an IANA time zone",
    ],
    [
      "default language",
      (c: Record<string, unknown>) => (c.languages = { default: "de", offered: ["en"] }),
      "languages.default: default must be one of the offered languages",
    ],
    [
      "language code",
      (c: Record<string, unknown>) => (c.languages = { default: "it", offered: ["it"] }),
      "languages.default",
    ],
    [
      "centre outside bounds",
      (c: Record<string, unknown>) => (c.map = { ...(c.map as object), centre: { lat: 10, lon: 10 } }),
      "map.centre: centre must lie inside bounds",
    ],
    [
      "terms version without terms",
      (c: Record<string, unknown>) => {
        c.termsVersion = "2027-01";
        delete c.termsUrl;
      },
      "termsVersion: a terms version needs the termsUrl",
    ],
    [
      "terms version with spaces",
      (c: Record<string, unknown>) => (c.termsVersion = "version two"),
      "termsVersion: must be a short version",
    ],
    [
      "duplicate area",
      (c: Record<string, unknown>) =>
        (c.areas = [
          { id: "a", name: "A" },
          { id: "a", name: "B" },
        ]),
      "areas: area ids must be unique",
    ],
    [
      "negative credit limit",
      (c: Record<string, unknown>) =>
        (c.ledger = { defaultCreditLimitMinutes: -1, defaultMaxBalanceMinutes: 10 }),
      "ledger.defaultCreditLimitMinutes",
    ],
    [
      "fractional minutes",
      (c: Record<string, unknown>) =>
        (c.ledger = { defaultCreditLimitMinutes: 1.5, defaultMaxBalanceMinutes: 10 }),
      "ledger.defaultCreditLimitMinutes",
    ],
    [
      "quiet hours",
      (c: Record<string, unknown>) => (c.notifications = { quietHours: { start: "25:00", end: "08:00" } }),
      "notifications.quietHours.start: must be a 24-hour time",
    ],
    [
      "city without anyone to alert",
      (c: Record<string, unknown>) => ((c.operations as { alerts: unknown }).alerts = { emails: [] }),
      "operations.alerts.emails: at least one address must receive the city's alarms",
    ],
    [
      "alert address",
      (c: Record<string, unknown>) =>
        ((c.operations as { alerts: unknown }).alerts = { emails: ["ops at riverside"] }),
      "operations.alerts.emails.0",
    ],
    [
      "plain-http webhook",
      (c: Record<string, unknown>) =>
        ((c.operations as { alerts: unknown }).alerts = {
          emails: ["ops@riverside.example"],
          webhook: "http://hooks.riverside.example/alarms",
        }),
      "operations.alerts.webhook: must be an https:// address",
    ],
    [
      "budget of nothing",
      (c: Record<string, unknown>) => ((c.operations as { budget: unknown }).budget = { monthlyUsd: 0 }),
      "operations.budget.monthlyUsd",
    ],
    [
      "environment",
      (c: Record<string, unknown>) => ((c.operations as { environment: unknown }).environment = "prod"),
      "operations.environment",
    ],
    ["missing operations", (c: Record<string, unknown>) => delete c.operations, "operations:"],
    ["unknown field", (c: Record<string, unknown>) => (c.colour = "blue"), 'Unrecognized key: "colour"'],
    ["missing name", (c: Record<string, unknown>) => delete c.name, "name:"],
  ])("rejects a bad %s, naming the field and the rule", (_label, change, expected) => {
    expect(() => parseCity(withChange(change), "cities/bad.json")).toThrowError(CityConfigError);
    expect(() => parseCity(withChange(change), "cities/bad.json")).toThrowError(expected);
  });

  it("reads the operations section: alert subscribers, budget and tags, with defaults", () => {
    const city = parseCity(
      withChange((c) => {
        c.operations = {
          environment: "staging",
          alerts: { emails: ["ops@riverside.example"], webhook: "https://hooks.riverside.example/sns" },
          budget: { monthlyUsd: 25 },
        };
      }),
    );
    expect(city.operations).toEqual({
      environment: "staging",
      dataClassification: "personal",
      alerts: { emails: ["ops@riverside.example"], webhook: "https://hooks.riverside.example/sns" },
      budget: { monthlyUsd: 25, actualAtPercent: [80, 100], scope: "account" },
    });
  });

  it("names the file when the JSON itself is broken", () => {
    expect(() => parseCityJson("{ nope", "cities/broken.json")).toThrowError(
      /cities\/broken.json.*\n.*not valid JSON/,
    );
  });
});
