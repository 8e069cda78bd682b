/** Group jobs: the hourly tick that sends daily and weekly digests. */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { JobHandler } from '../../shared/jobs/queue.ts';
import { sendDigests } from './digest.service.ts';

/** Queued once an hour by the workers. */
export const GROUP_DIGEST_QUEUE = 'groups.digest';

export function groupJobHandlers(deps: { config: Config; logger: Logger }): Record<string, JobHandler> {
  return {
    [GROUP_DIGEST_QUEUE]: async (_payload, ctx) => {
      const sent = await sendDigests(ctx.db, deps.config.baseUrl);
      if (sent.members) ctx.log.info(sent, 'group digests');
    },
  };
}
