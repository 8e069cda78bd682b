/**
 * Opens the database: PGlite (embedded, in KIZUNA_DATA_DIR/pglite or in memory) or
 * PostgreSQL through DATABASE_URL. Both give the same Drizzle API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type DbKind = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  kind: DbKind;
  /** Present for PGlite only: the embedded engine (tests clone or dump it). */
  pglite?: PGlite;
  /** Present for PostgreSQL only. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export class DataDirLockedError extends Error {
  constructor(
    public readonly dir: string,
    public readonly pid: number,
  ) {
    super(
      `The embedded database in ${dir} is already open in another Kizuna process (pid ${pid}). ` +
        'PGlite can be used by one process only: stop that process, or set DATABASE_URL to use PostgreSQL ' +
        'so that several processes (web and `npm run worker`) can share one database.',
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes an exclusive lock file on the PGlite folder; a stale lock of a dead process is taken over. */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockFile = path.join(dir, 'kizuna.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockFile, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(fs.readFileSync(lockFile, 'utf8').trim(), 10);
      if (Number.isFinite(pid) && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dir, pid);
      fs.unlinkSync(lockFile); // stale: its process is gone
    }
  }
  throw new Error(`Could not lock ${dir}`);
}

export interface OpenDbOptions {
  databaseUrl?: string | undefined;
  /** PGlite folder; `memory://` for an in-memory database. */
  pgliteDir?: string;
  /** A dump made with `pglite.dumpDataDir()`, to start from (tests). */
  loadDataDir?: Blob | File;
  poolSize?: number;
}

export async function openDb(opts: OpenDbOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 });
    // A connection the server drops (restart, failover, pg_terminate_backend) must fail the
    // query that used it, not crash the process: without listeners pg re-emits it as uncaught.
    pool.on('error', () => {});
    pool.on('connect', (client) => client.on('error', () => {}));
    // Fail fast with a clear error when the server cannot be reached.
    const client = await pool.connect();
    client.release();
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    // Drizzle's pool transaction leaks its client when BEGIN itself fails (a connection the
    // server dropped while idle): after a few such events the pool is exhausted and every
    // request hangs. So transactions check out their own client and always give it back,
    // destroying it when the transaction failed.
    db.transaction = (async (fn: (tx: unknown) => Promise<unknown>, config?: unknown) => {
      const client = await pool.connect();
      try {
        const result = await (drizzlePg(client, { schema }) as unknown as Db).transaction(fn as never, config as never);
        client.release();
        return result;
      } catch (err) {
        client.release(err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
    }) as Db['transaction'];
    return { db, kind: 'postgres', pool, close: () => pool.end() };
  }
  const dir = opts.pgliteDir ?? 'memory://';
  const inMemory = dir.startsWith('memory://');
  const release = inMemory ? () => {} : lockDataDir(dir);
  try {
    // pg_trgm serves directory search (trigram GIN index), as on PostgreSQL.
    const pglite = await PGlite.create(inMemory ? undefined : dir, { extensions: { pg_trgm }, ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}) });
    const db = drizzlePglite(pglite, { schema }) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      pglite,
      close: async () => {
        await pglite.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

/** True when the database answers a trivial query (health checks). */
export async function pingDb(database: Database): Promise<boolean> {
  try {
    await database.db.execute(sql`select 1`);
    return true;
  } catch {
    return false;
  }
}
