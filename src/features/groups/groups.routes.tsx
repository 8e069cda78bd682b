/** Group pages: list, group, threads, members, join rules, moderation. */
import { Hono } from 'hono';
import type { AppEnv } from '../../shared/http/context.ts';

export const groupRoutes = new Hono<AppEnv>();
