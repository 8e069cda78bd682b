/**
 * `npm run bench -- <name>`: runs one benchmark, prints its figures and ends with
 * `RESULT {json}`. Each benchmark measures its own baseline in the same run and reports
 * ratios against it, so figures compare across machines.
 */
import { benchmarks } from './registry.ts';

const name = process.argv[2];
if (!name || name === '--help' || !(name in benchmarks)) {
  process.stdout.write(`Usage: npm run bench -- <name>\n\nBenchmarks:\n${Object.entries(benchmarks).map(([k, b]) => `  ${k.padEnd(10)} ${b.description}`).join('\n')}\n`);
  process.exit(name && name !== '--help' ? 1 : 0);
}
const bench = benchmarks[name]!;
const result = await bench.run();
process.stdout.write(`RESULT ${JSON.stringify({ bench: name, ...result })}\n`);
process.exit(0);
