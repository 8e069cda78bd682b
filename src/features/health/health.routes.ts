import { Hono } from 'hono';
import { pingDb } from '../../db/client.ts';
import { allow } from '../../shared/auth/access.ts';
import type { AppEnv } from '../../shared/http/context.ts';

export const healthRoutes = new Hono<AppEnv>().get('/healthz', allow('public'), async (c) => {
  const { database } = c.get('deps');
  const ok = await pingDb(database);
  return c.json({ status: ok ? 'ok' : 'error', db: database.kind }, ok ? 200 : 503);
});
