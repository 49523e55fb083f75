import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { type City, CityConfigError, parseCityJson } from "#shared/config/city.ts";
import { CityStack } from "./city-stack.ts";

/**
 * Reads and validates a city file.
 * @throws CityConfigError when the file is missing, not JSON, or breaks a rule of the city schema.
 */
export function loadCity(file: string): City {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CityConfigError(file, [{ path: [], message: `cannot be read (${reason})` }]);
  }
  return parseCityJson(text, file);
}

/** Adds one city's stack to the app, checked by cdk-nag's AWS Solutions pack at synth. */
export function addCity(app: App, city: City): CityStack {
  const stack = new CityStack(app, `Mutua-${city.id}`, { city });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

function main(): void {
  const app = new App();
  const cityFile: unknown = app.node.tryGetContext("city");
  if (typeof cityFile !== "string" || cityFile === "") {
    console.error("Name the city file to deploy: cdk synth -c city=cities/example.json");
    process.exit(1);
  }
  let city: City;
  try {
    city = loadCity(path.resolve(cityFile));
  } catch (error) {
    // A bad city file is the operator's to fix: the message names each field and rule; a stack trace would bury it.
    if (!(error instanceof CityConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  addCity(app, city);
  app.synth();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
