// The first load's budget: every JavaScript and CSS file index.html loads, gzipped, at most
// 150 KB (issue 23). Prints the figures; exit 1 over budget.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 150 * 1024;
const assets = readdirSync("dist/assets").filter((f) => /\.(js|css)$/.test(f));
let total = 0;
for (const file of assets) {
  const bytes = readFileSync(join("dist/assets", file));
  const gz = gzipSync(bytes, { level: 9 }).length;
  total += gz;
  console.log(`${file}: ${bytes.length} bytes, ${gz} gzipped`);
}
console.log(`first load: ${total} bytes of JavaScript and CSS gzipped (budget ${BUDGET})`);
if (total > BUDGET) {
  console.error("over the 150 KB budget");
  process.exit(1);
}
