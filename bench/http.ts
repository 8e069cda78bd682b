/**
 * HTTP throughput of Kizuna's pages on the embedded database, next to a bare Hono route
 * served by the same process (the ceiling), measured in the same run with autocannon.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import pino from 'pino';
import { createApp } from '../src/app.tsx';
import { parseConfig } from '../src/config.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { insertAccount } from '../src/features/account/accounts.repository.ts';
import { openRuntime } from '../src/runtime.ts';
import type { Benchmark } from './registry.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 50;

async function load(url: string): Promise<{ rps: number; p50: number; p99: number; errors: number; non2xx: number }> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION });
  return { rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

function listen(fetch: (req: Request) => Response | Promise<Response>): Promise<{ url: string; close: () => void }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve({ url: `http://127.0.0.1:${info.port}`, close: () => server.close() }));
  });
}

export const httpBench: Benchmark = {
  description: 'page throughput on PGlite vs a bare Hono route (autocannon, 50 connections)',
  async run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kizuna-bench-'));
    const config = parseConfig({ KIZUNA_DATA_DIR: dir, SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent', NODE_ENV: 'production', DATABASE_URL: process.env.BENCH_DATABASE_URL });
    const coldStart = performance.now();
    const rt = await openRuntime(config, { logger: pino({ level: 'silent' }) });
    const coldStartMs = Math.round(performance.now() - coldStart);
    await seedDemo({ db: rt.database.db, withNetworkSettings: true, createAccount: (a) => insertAccount(rt.database.db, a) });
    const app = createApp({ config: rt.config, database: rt.database, db: rt.database.db, auth: rt.auth, logger: rt.logger, wakeWorkers: () => {} });
    const bare = new Hono().get('/', (c) => c.text('ok'));
    const kizuna = await listen(app.fetch);
    const baseline = await listen(bare.fetch);
    try {
      // Warm up JIT and the database before measuring anything.
      for (const url of [`${baseline.url}/`, `${kizuna.url}/healthz`, `${kizuna.url}/auth/sign-in`, `${kizuna.url}/`]) {
        await autocannon({ url, connections: 10, duration: 1 });
      }
      const bareResult = await load(`${baseline.url}/`);
      const health = await load(`${kizuna.url}/healthz`);
      const signIn = await load(`${kizuna.url}/auth/sign-in`);
      const landing = await load(`${kizuna.url}/`);
      const rows = [
        ['bare Hono route (baseline)', bareResult],
        ['GET /healthz (one query)', health],
        ['GET /auth/sign-in (SSR page)', signIn],
        ['GET / (landing, settings)', landing],
      ] as const;
      process.stdout.write(`db=${rt.database.kind} connections=${CONNECTIONS} duration=${DURATION}s cores=${os.cpus().length}\n`);
      for (const [label, r] of rows) {
        process.stdout.write(
          `${label.padEnd(32)} ${String(r.rps).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ratio ${(r.rps / bareResult.rps).toFixed(3)}  errors ${r.errors} non2xx ${r.non2xx}\n`,
        );
      }
      return {
        db: rt.database.kind,
        coldStartMs,
        bareRps: bareResult.rps,
        healthRps: health.rps,
        signInRps: signIn.rps,
        signInP99Ms: signIn.p99,
        landingRps: landing.rps,
        signInRatio: Number((signIn.rps / bareResult.rps).toFixed(3)),
        errors: health.errors + signIn.errors + landing.errors,
      };
    } finally {
      kizuna.close();
      baseline.close();
      await rt.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
