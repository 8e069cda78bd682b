// Reads vitest's JSON report, prints one closing line per project and a total
// ("N passed, N failed"), and fails when a required project ran no test.
import fs from 'node:fs';

const [file = 'test-results/vitest.json', ...args] = process.argv.slice(2);
const required = [];
for (let i = 0; i < args.length; i++) if (args[i] === '--require-project') required.push(args[++i]);

const report = JSON.parse(fs.readFileSync(file, 'utf8'));
const perProject = new Map();
for (const suite of report.testResults) {
  for (const t of suite.assertionResults) {
    // Vitest names the project in the suite file path only; tag by our folder layout.
    const project = suite.name.includes('/e2e/') ? 'e2e' : 'unit';
    const p = perProject.get(project) ?? { passed: 0, failed: 0, skipped: 0 };
    if (t.status === 'passed') p.passed++;
    else if (t.status === 'failed') p.failed++;
    else p.skipped++;
    perProject.set(project, p);
  }
}
let failed = report.numFailedTests > 0;
for (const [name, p] of perProject) console.log(`${name}: ${p.passed} passed, ${p.failed} failed, ${p.skipped} skipped`);
for (const name of required) {
  const p = perProject.get(name);
  if (!p || p.passed === 0) {
    console.error(`The ${name} tests did not run.`);
    failed = true;
  }
}
console.log(`Tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
process.exit(failed ? 1 : 0);
