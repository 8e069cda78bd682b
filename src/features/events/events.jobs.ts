/** Event jobs: the hourly tick (reminders the day before). */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { JobHandler } from '../../shared/jobs/queue.ts';

/** Queued once an hour by the workers. */
export const EVENT_TICK_QUEUE = 'events.tick';

export function eventJobHandlers(_deps: { config: Config; logger: Logger }): Record<string, JobHandler> {
  return {
    [EVENT_TICK_QUEUE]: async () => {},
  };
}
