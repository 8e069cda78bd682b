/** Feedback on products and services, and ideas: sending, replies, statuses. */
import { Hono } from 'hono';
import type { AppEnv } from '../../shared/http/context.ts';

export const feedbackRoutes = new Hono<AppEnv>();
