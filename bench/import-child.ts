/**
 * The Kizuna side of the import benchmark, in its own process so its peak memory is its
 * own: upload (decode, parse, validate, preview) → commit → import job, end to end.
 * Usage: node --import tsx bench/import-child.ts <file> [databaseUrl]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { commitImport, runImport, uploadRoster } from '../src/features/roster/roster.service.ts';
import { CLI_ACTOR } from '../src/shared/auth/can.ts';

const [file, databaseUrl] = process.argv.slice(2);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kizuna-import-bench-'));
const database = await openDb({ databaseUrl: databaseUrl || undefined, pgliteDir: path.join(dir, 'pglite') });
await migrate(database);
const bytes = fs.readFileSync(file!);
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const filesDir = path.join(dir, 'uploads');
const imp = await uploadRoster({ db: database.db, actor: CLI_ACTOR, filesDir }, { name: path.basename(file!), bytes, encoding: 'auto' });
const uploadedMs = performance.now() - started;
await commitImport({ db: database.db, actor: CLI_ACTOR }, imp.id);
const done = await runImport(database.db, imp.id, undefined, { filesDir });
const totalMs = performance.now() - started;
await database.close();
fs.rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  JSON.stringify({
    totalMs: Math.round(totalMs),
    previewMs: Math.round(uploadedMs),
    inserted: done.inserted,
    errorRows: imp.errorRows,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    startRssMb: Math.round(rssBefore / 1024 / 1024),
  }) + '\n',
);
