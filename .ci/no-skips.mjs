// CI check: fails when a vitest JSON report holds a skipped, pending or todo test (a suite must never skip
// silently because an oracle such as b3sum or Python `cryptography` is missing: install it in .ci/run).
import { readFileSync } from "node:fs";

const [file, label = "tests"] = process.argv.slice(2);
const report = JSON.parse(readFileSync(file, "utf8"));
const skipped = [];
for (const suite of report.testResults ?? [])
  for (const t of suite.assertionResults ?? [])
    if (t.status !== "passed" && t.status !== "failed")
      skipped.push(`${suite.name}: ${t.fullName} (${t.status})`);
if (skipped.length > 0) {
  console.error(`${label}: ${skipped.length} test(s) did not run:\n  ${skipped.join("\n  ")}`);
  process.exit(1);
}
console.log(`${label}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, 0 skipped`);
