/** Check-in at the venue, walk-ins, ratings after the event, attendance figures and the attendee export. */
import { Hono } from 'hono';
import type { AppEnv } from '../../shared/http/context.ts';

export const attendanceRoutes = new Hono<AppEnv>();
