/**
 * `npm start`: config → database (migrated) → web server, with the job workers in-process by default.
 *
 * With KIZUNA_WEB_PROCESSES=N (N > 1, PostgreSQL only) this process supervises: it migrates the
 * database, runs the job workers (once, here) and starts N web processes sharing the port
 * (node:cluster), starting again any that dies. A web process asks it to wake the job workers
 * when it queues a job.
 */
import cluster, { type Worker } from 'node:cluster';
import { serve } from '@hono/node-server';
import { createApp } from './app.tsx';
import { loadConfig } from './config.ts';
import { DataDirLockedError } from './db/client.ts';
import { openRuntime, runWorkers, type Runtime } from './runtime.ts';

const WAKE = 'kizuna:wake-workers';
const started = performance.now();
const config = loadConfig();

async function open(): Promise<Runtime> {
  try {
    return await openRuntime(config);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`Kizuna cannot start.\n${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}

if (config.webProcesses > 1 && cluster.isPrimary) await supervise();
else await serveWeb();

/** One web server: alone (it then runs the job workers too, unless told not to) or as one of the supervisor's processes. */
async function serveWeb(): Promise<void> {
  const runtime = await open();
  const inCluster = cluster.isWorker;
  const workers = runtime.config.inProcessWorkers && !inCluster ? runWorkers(runtime) : null;
  const app = createApp({
    config: runtime.config,
    database: runtime.database,
    db: runtime.database.db,
    auth: runtime.auth,
    logger: runtime.logger,
    wakeWorkers: inCluster ? () => process.send?.(WAKE) : () => workers?.wake(),
  });
  const server = serve({ fetch: app.fetch, port: runtime.config.port, hostname: runtime.config.host }, (info) => {
    const facts = { port: info.port, db: runtime.database.kind, workers: Boolean(workers), startupMs: Math.round(performance.now() - started) };
    if (inCluster) runtime.logger.info({ ...facts, process: cluster.worker?.id }, 'web process listening');
    else runtime.logger.info(facts, `Kizuna is running at ${runtime.config.baseUrl}`);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!inCluster) runtime.logger.info({ signal }, 'shutting down');
    server.close();
    await workers?.stop();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // The supervisor went away without telling us (killed): do not serve on alone.
  if (inCluster) process.on('disconnect', () => void shutdown('disconnect'));
}

async function supervise(): Promise<void> {
  // Migrations run here, once, before any web process opens the database.
  const runtime = await open();
  const { logger } = runtime;
  const workers = runtime.config.inProcessWorkers ? runWorkers(runtime) : null;
  let stopping = false;
  let listening = 0;
  const restarts: number[] = [];

  const start = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => {
      if (message === WAKE) workers?.wake();
    });
    worker.once('listening', () => {
      if (++listening === runtime.config.webProcesses) {
        logger.info(
          { port: runtime.config.port, db: runtime.database.kind, webProcesses: runtime.config.webProcesses, workers: Boolean(workers), startupMs: Math.round(performance.now() - started) },
          `Kizuna is running at ${runtime.config.baseUrl}`,
        );
      }
    });
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    // A process that dies is replaced; one that keeps dying at once is not restarted in a tight loop.
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && now - restarts[0]! > 60_000) restarts.shift();
    const delay = restarts.length > 5 ? 5_000 : 100;
    logger.error({ process: worker.id, code, signal, restartInMs: delay }, 'a web process stopped; starting another');
    setTimeout(() => {
      if (!stopping) start();
    }, delay).unref();
  });
  for (let i = 0; i < runtime.config.webProcesses; i++) start();

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
    await Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((resolve) => {
            const force = setTimeout(() => w.process.kill('SIGKILL'), 8_000);
            w.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
    await workers?.stop();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
