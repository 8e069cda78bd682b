/** Event pages: list, page, registration, organiser pages. */
import { Hono } from 'hono';
import type { AppEnv } from '../../shared/http/context.ts';

export const eventRoutes = new Hono<AppEnv>();
