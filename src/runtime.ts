/**
 * Builds everything a Kizuna process needs from a Config: database (migrated), auth,
 * logger, mail transport and job handlers. Used by the server, the worker, the CLI and
 * the browser tests, so they all start the same way.
 */
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { dkimOptions, resolveSecret, uploadsDir, type Config } from './config.ts';
import { openDb, type Database } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { createAuth, type Auth } from './shared/auth/auth.ts';
import { enqueue, pruneJobs, startWorkers, type JobHandler, type Workers } from './shared/jobs/queue.ts';
import { mailJobHandlers } from './shared/mail/mail.ts';
import { createTransport, type MailTransport } from './shared/mail/mailer.ts';
import { pruneRateLimits } from './shared/http/rate-limit.ts';
import { rosterJobHandlers } from './features/roster/roster.service.ts';
import { INVITATION_REMIND_QUEUE, invitationJobHandlers } from './features/invitations/invitations.service.ts';
import { OFFBOARDING_QUEUE, runOffboardingTick } from './features/offboarding/offboarding.service.ts';
import { directoryMaintenance, indexMissingMembers } from './features/profiles/profiles.service.ts';
import { flushSearchCounts } from './features/profiles/search-counter.ts';
import { NEWS_PUBLISH_QUEUE, publishDuePosts } from './features/news/news.service.ts';
import { newsletterJobHandlers } from './features/newsletters/sender.ts';
import { EVENT_TICK_QUEUE, eventJobHandlers } from './features/events/events.jobs.ts';
import { GROUP_DIGEST_QUEUE, groupJobHandlers } from './features/groups/groups.jobs.ts';

export interface Runtime {
  config: Config;
  database: Database;
  auth: Auth;
  logger: Logger;
  handlers: Record<string, JobHandler>;
  close(): Promise<void>;
}

/** Every job handler of Kizuna, by queue name (the server, the worker and tests use the same). */
export function jobHandlers(deps: { transport: MailTransport; config: Config; logger: Logger }): Record<string, JobHandler> {
  return {
    ...mailJobHandlers(deps),
    ...rosterJobHandlers({ filesDir: uploadsDir(deps.config) }),
    ...invitationJobHandlers(deps),
    ...newsletterJobHandlers(deps),
    ...eventJobHandlers(deps),
    ...groupJobHandlers(deps),
    // Readers see a scheduled post from its time on regardless; this marks it published in the editors' list.
    [NEWS_PUBLISH_QUEUE]: async (_payload, ctx) => void (await publishDuePosts(ctx.db)),
    [OFFBOARDING_QUEUE]: async (_payload, ctx) => {
      await runOffboardingTick(ctx.db, deps.config.baseUrl);
    },
    // Also queued when the workers start, so rows emptied by a migration come back at once.
    'directory.index': async (_payload, ctx) => {
      await indexMissingMembers(ctx.db);
    },
    'maintenance.hourly': async (_payload, ctx) => {
      await pruneRateLimits(ctx.db);
      await pruneJobs(ctx.db, { olderThan: new Date(Date.now() - 14 * 24 * 3600 * 1000), states: ['done'] });
      await directoryMaintenance({ db: ctx.db, config: deps.config, logger: deps.logger });
    },
  };
}

export async function openRuntime(config: Config, opts: { logger?: Logger } = {}): Promise<Runtime> {
  const logger = opts.logger ?? pino({ level: config.logLevel });
  const full: Config = { ...config, secret: resolveSecret(config) };
  const database = await openDb({ databaseUrl: full.databaseUrl, pgliteDir: path.join(full.dataDir, 'pglite') });
  await migrate(database);
  const auth = createAuth({ config: full, db: database.db });
  const transport = createTransport(full, { dkim: dkimOptions(full) });
  const handlers = jobHandlers({ transport, config: full, logger });

  return {
    config: full,
    database,
    auth,
    logger,
    handlers,
    close: async () => {
      await transport.close?.();
      // Searches counted in memory for the rate limit (search-counter.ts) are written before the database closes.
      await flushSearchCounts(database.db).catch((err: unknown) => logger.warn({ err }, 'could not write the last search counts'));
      await database.close();
    },
  };
}

/** Starts the job workers and schedules hourly maintenance (one job per hour across all processes). */
export function runWorkers(rt: Runtime): Workers {
  const workers = startWorkers({ database: rt.database, handlers: rt.handlers, logger: rt.logger, pollMs: 1000 });
  const schedule = () => {
    const hour = new Date().toISOString().slice(0, 13);
    for (const queue of ['maintenance.hourly', OFFBOARDING_QUEUE, INVITATION_REMIND_QUEUE, EVENT_TICK_QUEUE, GROUP_DIGEST_QUEUE]) {
      enqueue(rt.database.db, queue, {}, { uniqueKey: `${queue}:${hour}` }).catch((err: unknown) =>
        rt.logger.warn({ err, queue }, 'could not schedule an hourly job'),
      );
    }
  };
  schedule();
  enqueue(rt.database.db, 'directory.index', {}, { uniqueKey: `directory.index:${new Date().toISOString()}` }).catch((err: unknown) =>
    rt.logger.warn({ err }, 'could not queue the directory index job'),
  );
  const timer = setInterval(schedule, 10 * 60 * 1000);
  timer.unref();
  return {
    workerId: workers.workerId,
    wake: () => workers.wake(),
    stop: async () => {
      clearInterval(timer);
      await workers.stop();
    },
  };
}
