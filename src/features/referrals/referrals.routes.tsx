/** Referrals of candidates and their pipeline. */
import { Hono } from 'hono';
import type { AppEnv } from '../../shared/http/context.ts';

export const referralRoutes = new Hono<AppEnv>();
