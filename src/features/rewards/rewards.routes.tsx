/** Reward rules, the reward ledger per member, approval and payment. */
import { Hono } from 'hono';
import type { AppEnv } from '../../shared/http/context.ts';

export const rewardRoutes = new Hono<AppEnv>();
