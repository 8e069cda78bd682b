/** `npm start`: config → database (migrated) → web server, with the job workers in-process by default. */
import { serve } from '@hono/node-server';
import { createApp } from './app.tsx';
import { loadConfig } from './config.ts';
import { DataDirLockedError } from './db/client.ts';
import { openRuntime, runWorkers } from './runtime.ts';

const started = performance.now();
const config = loadConfig();
let rt;
try {
  rt = await openRuntime(config);
} catch (err) {
  if (err instanceof DataDirLockedError) {
    process.stderr.write(`Kizuna cannot start.\n${err.message}\n`);
    process.exit(1);
  }
  throw err;
}
const runtime = rt;
const workers = runtime.config.inProcessWorkers ? runWorkers(runtime) : null;
const app = createApp({
  config: runtime.config,
  database: runtime.database,
  db: runtime.database.db,
  auth: runtime.auth,
  logger: runtime.logger,
  wakeWorkers: () => workers?.wake(),
});
const server = serve({ fetch: app.fetch, port: runtime.config.port, hostname: runtime.config.host }, (info) => {
  runtime.logger.info(
    { port: info.port, db: runtime.database.kind, workers: Boolean(workers), startupMs: Math.round(performance.now() - started) },
    `Kizuna is running at ${runtime.config.baseUrl}`,
  );
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  runtime.logger.info({ signal }, 'shutting down');
  server.close();
  await workers?.stop();
  await runtime.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
