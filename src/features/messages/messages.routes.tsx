/** 1:1 messages between members, and between a member and the company. */
import { Hono } from 'hono';
import type { AppEnv } from '../../shared/http/context.ts';

export const messageRoutes = new Hono<AppEnv>();
