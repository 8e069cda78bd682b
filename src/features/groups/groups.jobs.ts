/** Group jobs: the hourly tick that sends daily and weekly digests. */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { JobHandler } from '../../shared/jobs/queue.ts';

/** Queued once an hour by the workers. */
export const GROUP_DIGEST_QUEUE = 'groups.digest';

export function groupJobHandlers(_deps: { config: Config; logger: Logger }): Record<string, JobHandler> {
  return {
    [GROUP_DIGEST_QUEUE]: async () => {},
  };
}
