/** Event jobs: the hourly tick (reminders the day before; the attendees' feedback request the day after). */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { JobHandler } from '../../shared/jobs/queue.ts';
import { requestFeedback } from './attendance.service.ts';
import { sendReminders } from './events.service.ts';

/** Queued once an hour by the workers. */
export const EVENT_TICK_QUEUE = 'events.tick';

export function eventJobHandlers(deps: { config: Config; logger: Logger }): Record<string, JobHandler> {
  return {
    [EVENT_TICK_QUEUE]: async (_payload, ctx) => {
      const now = new Date();
      const reminded = await sendReminders(ctx.db, deps.config, now);
      const asked = await requestFeedback(ctx.db, deps.config, now);
      if (reminded || asked) deps.logger.info({ reminded, feedbackRequests: asked }, 'event tick: mail queued');
    },
  };
}
