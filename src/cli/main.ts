/**
 * `npm run kizuna -- <command>`: operator tasks from a shell. Commands open the same
 * runtime as the server (config from the environment, migrations applied).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadDotEnv, parseConfig, uploadsDir } from '../config.ts';
import { DataDirLockedError, type Db } from '../db/client.ts';
import { commitImport, runImport, uploadRoster } from '../features/roster/roster.service.ts';
import type { RowError } from '../features/roster/roster.parse.ts';
import { CLI_ACTOR } from '../shared/auth/can.ts';
import { AppError } from '../shared/errors.ts';
import { messages } from '../shared/i18n/index.ts';
import { DemoDatabaseNotEmptyError, seedDemo } from '../demo/seed.ts';
import { findUserByEmail, insertAccount } from '../features/account/accounts.repository.ts';
import { openRuntime } from '../runtime.ts';
import { audit } from '../shared/audit.ts';
import { email as emailSchema, password as passwordSchema } from '../shared/validation.ts';
import pino from 'pino';

const HELP = `Kizuna command line

Usage: npm run kizuna -- <command> [options]

Commands:
  create-operator --email <address> --name <name> [--kana <reading>] [--password <password>]
      Creates an operator account (e.g. to recover a network whose operators are locked out).
      Without --password a strong one is generated and printed once. The operator sets up
      two-factor authentication at first sign-in.
  demo [--leavers <n>] [--seed <n>]
      Fills an EMPTY database with a deterministic Japanese demo network (a company,
      2,000 leavers over 15 years, operators, community managers, employees, alumni) and
      prints the demo sign-in accounts. Refuses a database that already has people in it.
  import roster <file.csv> [--encoding auto|utf-8|shift_jis] [--dry-run]
      Imports an HR leaver list (CSV or TSV, UTF-8 or Shift_JIS, Japanese headers).
      Shows the row errors first; --dry-run stops there. Importing the same file again
      changes nothing; an interrupted import completes when run again.
  migrate
      Applies pending database migrations and exits (the server also does this at start).
  help
      Shows this text.

Configuration comes from the environment (see .env.example): DATABASE_URL for PostgreSQL,
otherwise the embedded database in KIZUNA_DATA_DIR (default ./data). Stop the server before
running a command on the embedded database: it can be opened by one process at a time.
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(argv: string[]) {
  const [command = 'help', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return;
  }
  let config;
  loadDotEnv();
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(`Kizuna cannot start.\n${err.message}`);
    throw err;
  }
  const logger = pino({ level: 'warn' });
  let runtime;
  try {
    runtime = await openRuntime({ ...config, logLevel: 'warn' }, { logger });
  } catch (err) {
    if (err instanceof DataDirLockedError) fail(err.message);
    throw err;
  }
  const db = runtime.database.db;
  try {
    switch (command) {
      case 'migrate':
        process.stdout.write(`Migrations applied (${runtime.database.kind}).\n`);
        break;
      case 'create-operator': {
        const { values } = parseArgs({
          args: rest,
          options: { email: { type: 'string' }, name: { type: 'string' }, kana: { type: 'string' }, password: { type: 'string' } },
        });
        const email = emailSchema.safeParse(values.email ?? '');
        if (!email.success) fail('--email: give a valid e-mail address.');
        if (!values.name?.trim()) fail('--name: give the operator’s name.');
        const password = values.password ?? randomBytes(15).toString('base64url');
        if (!passwordSchema.safeParse(password).success) fail('--password: use 12 to 128 characters.');
        if (await findUserByEmail(db, email.data)) fail(`An account for ${email.data} already exists.`);
        const id = await insertAccount(db, { email: email.data, name: values.name!, nameKana: values.kana ?? null, password, role: 'operator', status: 'active' });
        await audit(db, { action: 'role.changed', actor: null, subjectType: 'user', subjectId: id, details: { via: 'cli', to: { role: 'operator' } } });
        process.stdout.write(`Operator created: ${email.data}\n`);
        if (!values.password) process.stdout.write(`Password (shown once): ${password}\n`);
        process.stdout.write('Two-factor authentication is set up at first sign-in.\n');
        break;
      }
      case 'demo': {
        const { values } = parseArgs({ args: rest, options: { leavers: { type: 'string' }, seed: { type: 'string' } } });
        const leavers = values.leavers ? Number.parseInt(values.leavers, 10) : 2000;
        const seed = values.seed ? Number.parseInt(values.seed, 10) : 42;
        if (!Number.isInteger(leavers) || leavers < 1 || leavers > 1_000_000) fail('--leavers: a whole number from 1 to 1,000,000.');
        if (!Number.isInteger(seed)) fail('--seed: a whole number.');
        const started = performance.now();
        try {
          const summary = await seedDemo({
            db,
            leavers,
            seed,
            withNetworkSettings: true,
            createAccount: (a) => insertAccount(db, { ...a, emailVerified: true }),
          });
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          process.stdout.write(
            `Demo network created in ${seconds} s: ${summary.departments} departments, ${summary.leavers} leavers, ${summary.accounts.length} accounts.\n\n` +
              `Sign in at ${runtime.config.baseUrl}/auth/sign-in with any of these (password: ${summary.password}):\n`,
          );
          for (const a of summary.accounts) {
            process.stdout.write(`  ${a.email.padEnd(28)} ${a.role}${a.isManager ? ' (manager)' : ''}\n`);
          }
          process.stdout.write('\nOperators and community managers set up two-factor authentication at first sign-in.\n');
        } catch (err) {
          if (err instanceof DemoDatabaseNotEmptyError) fail(`${err.message}\nUse a fresh KIZUNA_DATA_DIR (or database) for the demo.`);
          throw err;
        }
        break;
      }
      case 'import': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { encoding: { type: 'string', default: 'auto' }, 'dry-run': { type: 'boolean', default: false } },
        });
        const [what, file] = positionals;
        if (what !== 'roster' || !file) fail('Usage: npm run kizuna -- import roster <file.csv> [--encoding auto|utf-8|shift_jis] [--dry-run]');
        const encoding = values.encoding;
        if (encoding !== 'auto' && encoding !== 'utf-8' && encoding !== 'shift_jis') fail('--encoding: auto, utf-8 or shift_jis.');
        await importRosterFromCli(db, file!, encoding, Boolean(values['dry-run']), uploadsDir(runtime.config));
        break;
      }
      default:
        fail(`Unknown command: ${command}\n\n${HELP}`);
    }
  } finally {
    await runtime.close();
  }
}

async function importRosterFromCli(db: Db, file: string, encoding: 'auto' | 'utf-8' | 'shift_jis', dryRun: boolean, filesDir: string) {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    fail(`Cannot read ${file}.`);
  }
  const m = messages('en').roster;
  const started = performance.now();
  let imp;
  try {
    imp = await uploadRoster({ db, actor: CLI_ACTOR, filesDir }, { name: path.basename(file), bytes, encoding });
  } catch (err) {
    if (err instanceof AppError) fail(`${file}: ${err.details.reason === 'unreadable' ? `not readable as CSV/TSV (line ${String(err.details.line ?? '?')})` : 'empty or no header line'}.`);
    throw err;
  }
  process.stdout.write(`${imp.totalRows} rows read (${imp.encoding}): ${imp.validRows} valid, ${imp.errorRows} with errors.\n`);
  const preview = imp.preview as { errors: RowError[] };
  for (const e of preview.errors.slice(0, 20)) {
    process.stdout.write(`  line ${e.line}: ${e.field ? m.fields[e.field] : ''} — ${m.errors[e.code]}${e.value ? ` (${e.value})` : ''}\n`);
  }
  if (imp.errorRows > 20) process.stdout.write(`  … and more (${imp.errorRows} rows with errors in all)\n`);
  if (imp.mapping.employeeNumber === undefined || imp.mapping.name === undefined) fail('The employee number and name columns were not recognised; map them in the app (Roster → Import).');
  if (dryRun || imp.validRows === 0) return;
  await commitImport({ db, actor: CLI_ACTOR }, imp.id);
  const tty = process.stderr.isTTY;
  const done = await runImport(db, imp.id, (n, total) => {
    const pct = total ? Math.floor((n / total) * 100) : 100;
    const bar = '#'.repeat(Math.floor(pct / 4)).padEnd(25, '.');
    if (tty) process.stderr.write(`\r[${bar}] ${pct}% ${n}/${total}`);
    else if (n === total || n % 10000 === 0) process.stderr.write(`${n}/${total}\n`);
  }, { filesDir });
  if (tty) process.stderr.write('\n');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`Imported in ${seconds} s: ${done.inserted} added, ${done.updated} updated, ${done.unchanged} unchanged.\n`);
}

await main(process.argv.slice(2));
