/**
 * Runs once per test run: migrates a template database so each test file can start
 * from a fresh copy quickly (PGlite: a data-dir dump, ~1 s to load instead of ~4 s to
 * create and migrate; PostgreSQL: CREATE DATABASE … TEMPLATE).
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openDb } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { PG_TEMPLATE_DB, TEMPLATE_DUMP } from './paths.ts';

export default async function setup(): Promise<() => Promise<void>> {
  fs.mkdirSync(path.dirname(TEMPLATE_DUMP), { recursive: true });
  const database = await openDb({});
  await migrate(database);
  const dump = await database.pglite!.dumpDataDir('none');
  fs.writeFileSync(TEMPLATE_DUMP, Buffer.from(await dump.arrayBuffer()));
  await database.close();

  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${PG_TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${PG_TEMPLATE_DB}`);
    await admin.end();
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${PG_TEMPLATE_DB}`;
    const pgDb = await openDb({ databaseUrl: templateUrl.toString(), poolSize: 1 });
    await migrate(pgDb);
    await pgDb.close();
  }
  return async () => {};
}
