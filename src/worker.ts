/**
 * `npm run worker`: job workers as a separate process (set KIZUNA_IN_PROCESS_WORKERS=false
 * on the web processes). Needs DATABASE_URL: the embedded database is single-process.
 */
import { loadConfig } from './config.ts';
import { openRuntime, runWorkers } from './runtime.ts';

const config = loadConfig();
if (!config.databaseUrl) {
  process.stderr.write(
    'Kizuna worker: set DATABASE_URL. The embedded database (PGlite) can be opened by one process only, so with it the workers run inside `npm start`.\n',
  );
  process.exit(1);
}
const runtime = await openRuntime(config);
const workers = runWorkers(runtime);
runtime.logger.info({ workerId: workers.workerId }, 'Kizuna worker started');
async function shutdown() {
  await workers.stop();
  await runtime.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
