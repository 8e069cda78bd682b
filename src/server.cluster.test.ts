/**
 * `npm start` with KIZUNA_WEB_PROCESSES: web processes sharing one port under a supervisor that
 * replaces any that dies and stops them all on SIGTERM. PostgreSQL only (the embedded database
 * is opened by one process), which the configuration says before anything starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_TEMPLATE_DB, ROOT } from '../test/paths.ts';
import { freePort } from '../test/ports.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['SMTP_URL', 'DATABASE_URL', 'KIZUNA_IN_PROCESS_WORKERS', 'KIZUNA_WEB_PROCESSES', 'NODE_ENV']) delete base[key];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...base, SECRET: randomBytes(20).toString('hex'), LOG_LEVEL: 'info', NODE_ENV: 'production', HOST: '127.0.0.1', BASE_URL: `http://127.0.0.1:${env.PORT}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The web processes (cluster workers) under a supervisor: its children running src/server.ts. */
function webProcesses(supervisor: number): number[] {
  let listing = '';
  try {
    listing = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(supervisor)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are none
  }
  return listing
    .split('\n')
    .filter((line) => line.includes('src/server.ts'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

async function until<T>(what: string, probe: () => Promise<T | null> | T | null, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const healthy = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : null;
  } catch {
    return null;
  }
};

/** GET /healthz on a connection of its own (no keep-alive: the cluster hands each connection to one process). */
function freshHealth(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe('KIZUNA_WEB_PROCESSES', () => {
  it.runIf(process.env.KIZUNA_TEST_DB !== 'postgres')('refuses more than one web process on the embedded database, saying why', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kizuna-cluster-'));
    try {
      const s = start({ KIZUNA_WEB_PROCESSES: '2', KIZUNA_DATA_DIR: dataDir, PORT: String(await freePort()) });
      expect(await s.exited).toBe(1);
      expect(s.output()).toContain('KIZUNA_WEB_PROCESSES');
      expect(s.output()).toContain('DATABASE_URL');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  describe.runIf(process.env.KIZUNA_TEST_DB === 'postgres')('on PostgreSQL', () => {
    const name = `kizuna_t_cluster_${randomBytes(4).toString('hex')}`;
    let server: Started | null = null;

    afterAll(async () => {
      if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    });

    it('serves from two processes, goes on serving and replaces one that dies, and stops them all on SIGTERM', async () => {
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${PG_TEMPLATE_DB}`);
      await admin.end();
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      const port = await freePort();
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kizuna-cluster-'));
      server = start({ KIZUNA_WEB_PROCESSES: '2', DATABASE_URL: url.toString(), PORT: String(port), KIZUNA_DATA_DIR: dataDir });
      const supervisor = server.child.pid!;
      await until('the server', () => (server!.child.exitCode !== null ? Promise.reject(new Error('exited')) : healthy(port)), 60_000).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${server?.output()}`);
      });
      await until('the second web process', () => (webProcesses(supervisor).length === 2 ? true : null));
      await until('the supervisor’s start line', () => (server!.output().includes('"webProcesses":2') ? true : null));
      const [first, second] = webProcesses(supervisor) as [number, number];

      // A killed web process loses what it was answering; the supervisor notices, the port goes on
      // being served by the other one, and a replacement starts.
      process.kill(first, 'SIGKILL');
      await until('the supervisor noticing', () => (server!.output().includes('a web process stopped; starting another') ? true : null));
      for (let i = 0; i < 20; i++) expect(await freshHealth(port)).toBe(200);
      const replaced = await until('a replacement', () => {
        const now = webProcesses(supervisor);
        return now.length === 2 && !now.includes(first) ? now : null;
      }).catch((err: unknown) => {
        throw new Error(`${String(err)}: ${webProcesses(supervisor).join(', ')} (killed ${first})\n${server?.output()}`);
      });
      expect(replaced).toContain(second);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(webProcesses(supervisor)).toEqual([]);
      for (const pid of replaced) expect(() => process.kill(pid, 0)).toThrow();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }, 120_000);
  });
});
