/** Event jobs: the hourly tick (reminders the day before). */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { JobHandler } from '../../shared/jobs/queue.ts';
import { sendReminders } from './events.service.ts';

/** Queued once an hour by the workers. */
export const EVENT_TICK_QUEUE = 'events.tick';

export function eventJobHandlers(deps: { config: Config; logger: Logger }): Record<string, JobHandler> {
  return {
    [EVENT_TICK_QUEUE]: async (_payload, ctx) => {
      const reminded = await sendReminders(ctx.db, deps.config);
      if (reminded) deps.logger.info({ events: reminded }, 'event reminders queued');
    },
  };
}
