// Drift check: the committed API types must be what openapi-typescript makes of
// docs/openapi.yaml today. Fails (exit 1) naming the fix.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "eventcrm-types-"));
try {
  const fresh = join(dir, "schema.d.ts");
  execFileSync("npx", ["openapi-typescript", "../docs/openapi.yaml", "-o", fresh], { stdio: "inherit" });
  if (readFileSync(fresh, "utf8") !== readFileSync("src/api/schema.d.ts", "utf8")) {
    console.error("console/src/api/schema.d.ts is stale: docs/openapi.yaml changed. Run `npm run generate` in console/ and commit it.");
    process.exit(1);
  }
  console.log("console/src/api/schema.d.ts matches docs/openapi.yaml");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
