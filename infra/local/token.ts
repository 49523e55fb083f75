import { demoMembers, demoSubject } from "./demo.ts";
import { DevIssuer } from "./identity.ts";
import { devIssuerKeyFile } from "./paths.ts";

const handle = process.argv[2];

if (!handle) {
  console.log("Usage: npm run -s token -- <member>   prints a bearer token for the local API\n");
  console.log("Demo members (a city started with --empty has none):");
  for (const m of demoMembers) console.log(`  ${m.handle.padEnd(9)} ${m.displayName.padEnd(28)} ${m.about}`);
  console.log("\nAny other name gives a fresh login that has not joined yet (e.g. to ask to join).");
  process.exit(0);
}
if (!/^[a-z0-9-]{1,40}$/.test(handle)) {
  console.error("A member name is 1-40 lowercase letters, digits or dashes.");
  process.exit(2);
}
const demo = demoMembers.find((m) => m.handle === handle);
if (demo?.kind === "organisation") {
  console.error(`${handle} is an organisation; organisations act through their admins and have no login.`);
  process.exit(2);
}
const issuer = await DevIssuer.fromFile(devIssuerKeyFile);
process.stdout.write(`${await issuer.sign(demoSubject(handle))}\n`);
