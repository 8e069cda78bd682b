/** Opportunities, applications (to an opportunity, or to return), and the application pipeline. */
import { Hono } from 'hono';
import type { AppEnv } from '../../shared/http/context.ts';

export const opportunityRoutes = new Hono<AppEnv>();
