/** The sample exchange under its first names (test/support/builders.ts builds it). */
export { anExchange as sampleExchange, exchangeAt as sampleAt } from "./builders.ts";
