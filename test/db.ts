/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or a new
 * PostgreSQL database when the project runs with KIZUNA_TEST_DB=postgres.
 */
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Database } from '../src/db/client.ts';
import { PG_TEMPLATE_DB, TEMPLATE_DUMP } from './paths.ts';

export async function createTestDatabase(): Promise<Database> {
  if (process.env.KIZUNA_TEST_DB === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('KIZUNA_TEST_DB=postgres needs TEST_DATABASE_URL');
    const name = `kizuna_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE_DB}`);
    await admin.end();
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    const database = await openDb({ databaseUrl: dbUrl.toString(), poolSize: 5 });
    const close = database.close;
    database.close = async () => {
      // Pool.end() resolves before its sockets close; DROP … WITH (FORCE) may then end a
      // backend that is still exiting, which the pool reports as an error: ignore it.
      database.pool?.on('error', () => {});
      await close();
      const dropper = new pg.Client({ connectionString: url });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    };
    return database;
  }
  const dump = new Blob([fs.readFileSync(TEMPLATE_DUMP)]);
  return openDb({ loadDataDir: dump });
}
