import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { type City, CityConfigError, deployableCity, parseCityJson } from "#shared/config/city.ts";
import { ensureWebBuilt } from "../../web/build/web.ts";
import { CityStack } from "./city-stack.ts";
import { CLOUDFRONT_REGION, EdgeGlobalStack } from "./edge-global.ts";

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

/**
 * Adds one city to the app, checked by cdk-nag's AWS Solutions pack at synth: its stack in the
 * account and region the city file names, and a small companion stack in us-east-1 for what
 * CloudFront reads only there (the web ACL, the certificate), referenced across regions.
 * @throws CityConfigError when the city does not name its AWS account and region.
 */
export function addCity(app: App, city: City, source = "(inline)"): CityStack {
  const deployable = deployableCity(city, source);
  const { account, region } = deployable.aws;
  const edgeGlobal = new EdgeGlobalStack(app, `Mutua-${city.id}-global`, {
    city: deployable,
    env: { account, region: CLOUDFRONT_REGION },
    crossRegionReferences: true,
  });
  const stack = new CityStack(app, `Mutua-${city.id}`, {
    city: deployable,
    edgeGlobal,
    env: { account, region },
    crossRegionReferences: true,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}

async function main(): Promise<void> {
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
  // The distribution serves the built app: build it first if web/dist is older than its sources.
  await ensureWebBuilt((line) => console.error(line));
  try {
    addCity(app, city, cityFile);
  } catch (error) {
    if (!(error instanceof CityConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  app.synth();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
