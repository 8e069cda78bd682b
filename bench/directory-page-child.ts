/**
 * The directory benchmark's reference servers, in processes of their own like the app's:
 * GET /members renders the real DirectoryPage inside the real Layout from search results captured
 * beforehand (the rendering ceiling: no session, no database), and GET / is a bare Hono route.
 * With BENCH_PROCESSES > 1 it runs that many processes sharing the port (node:cluster), as
 * KIZUNA_WEB_PROCESSES does for the app. Prints "ready" once every process listens.
 *
 * Environment: BENCH_PAGES_FILE (JSON written by bench/directory.ts), PORT, BENCH_PROCESSES.
 */
import cluster from 'node:cluster';
import fs from 'node:fs';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { jsx } from 'hono/jsx';
import type { DirectoryHit } from '../src/features/profiles/profiles.repository.ts';
import { DirectoryPage, type DirectoryFilters } from '../src/features/profiles/views/DirectoryPages.tsx';
import type { Actor } from '../src/shared/http/context.ts';
import { navFor } from '../src/shared/http/render.tsx';
import { messages } from '../src/shared/i18n/index.ts';
import { localized, type NetworkSettings } from '../src/shared/network.ts';
import { Layout } from '../src/shared/views/Layout.tsx';

export interface CapturedPages {
  pages: Record<string, { filters: DirectoryFilters; hits: DirectoryHit[]; next: string | null; capped: boolean }>;
  departments: { id: string; nameJa: string; nameEn: string }[];
  settings: NetworkSettings;
  actor: Actor;
  csrfToken: string;
  nonce: string;
}

const port = Number(process.env.PORT);
const processes = Number(process.env.BENCH_PROCESSES ?? 1);

if (processes > 1 && cluster.isPrimary) {
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === processes) process.stdout.write('ready\n');
  });
  for (let i = 0; i < processes; i++) cluster.fork();
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const data = JSON.parse(fs.readFileSync(process.env.BENCH_PAGES_FILE!, 'utf8')) as CapturedPages;
  const m = messages('ja');
  const first = Object.keys(data.pages)[0]!;
  const app = new Hono()
    .get('/', (c) => c.text('ok'))
    .get('/members', (c) => {
      const page = data.pages[c.req.query('q') ?? ''] ?? data.pages[first]!;
      const url = new URL(c.req.url);
      const body = jsx(DirectoryPage, {
        v: { m, csrfToken: data.csrfToken, locale: 'ja', timeZone: data.settings.timeZone },
        audience: 'alumni',
        filters: page.filters,
        errors: {},
        departments: data.departments,
        hits: page.hits,
        next: page.next,
        paged: false,
        capped: page.capped,
        colleagues: null,
      });
      const html = jsx(
        Layout,
        {
          title: m.profiles.directory.title,
          locale: 'ja',
          m,
          networkName: localized(data.settings, 'ja', 'name'),
          nonce: data.nonce,
          csrfToken: data.csrfToken,
          path: `${url.pathname}${url.search}`,
          actor: data.actor,
          nav: navFor(m, data.actor, url.pathname),
          flash: null,
        },
        body,
      );
      return c.html(`<!doctype html>${html.toString()}`);
    });
  const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => {
    if (!cluster.isWorker) process.stdout.write('ready\n');
  });
  const stop = () => {
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  if (cluster.isWorker) process.on('disconnect', stop);
}
