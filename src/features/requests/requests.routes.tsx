/** Requests to the company: the member's own, the secretariat's queue, the assigned employee's answers. */
import { Hono } from 'hono';
import type { AppEnv } from '../../shared/http/context.ts';

export const requestRoutes = new Hono<AppEnv>();
