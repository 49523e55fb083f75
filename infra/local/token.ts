import { demoMembers, demoSubject } from "./demo.ts";
import { DevIssuer } from "./identity.ts";
import { devIssuerKeyFile } from "./paths.ts";

// --no-mfa: a sign-in that skipped the second factor (a coordinator's powers then answer 403 MFA_REQUIRED).
const args = process.argv.slice(2);
const mfa = !args.includes("--no-mfa");
const handle = args.find((a) => a !== "--no-mfa");

if (!handle) {
  console.log("Usage: npm run -s token -- [--no-mfa] <member>   prints a bearer token for the local API");
  console.log("  --no-mfa   as if the sign-in skipped the second factor (staff powers then refuse it)\n");
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
process.stdout.write(`${await issuer.sign(demoSubject(handle), { mfa })}\n`);
