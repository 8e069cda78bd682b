/**
 * createApp: the middleware order and every feature's routes. No process.env here:
 * everything comes in through `deps`.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { accountRoutes } from './features/account/account.routes.tsx';
import { adminRoutes } from './features/admin/admin.routes.tsx';
import { authRoutes } from './features/auth/auth.routes.tsx';
import { healthRoutes } from './features/health/health.routes.ts';
import { homeRoutes } from './features/home/home.routes.tsx';
import { invitationRoutes } from './features/invitations/invitations.routes.tsx';
import { offboardingRoutes } from './features/offboarding/offboarding.routes.tsx';
import { rosterRoutes } from './features/roster/roster.routes.tsx';
import { setupRoutes } from './features/setup/setup.routes.tsx';
import { staffRoutes } from './features/staff/staff.routes.tsx';
import { segmentRoutes } from './features/segments/segments.routes.tsx';
import { profileRoutes } from './features/profiles/profiles.routes.tsx';
import { isCoverUpload, newsRoutes } from './features/news/news.routes.tsx';
import { newsletterRoutes, unsubscribeRoutes } from './features/newsletters/newsletters.routes.tsx';
import { MAX_PHOTO_BYTES } from './features/profiles/photo.ts';
import { MAX_ZIP_BYTES } from './features/profiles/linkedin.ts';
import { eventRoutes } from './features/events/events.routes.tsx';
import { attendanceRoutes } from './features/events/attendance.routes.tsx';
import { groupRoutes } from './features/groups/groups.routes.tsx';
import { opportunityRoutes } from './features/opportunities/opportunities.routes.tsx';
import { referralRoutes } from './features/referrals/referrals.routes.tsx';
import { rewardRoutes } from './features/rewards/rewards.routes.tsx';
import { requestRoutes } from './features/requests/requests.routes.tsx';
import { feedbackRoutes } from './features/requests/feedback.routes.tsx';
import { messageRoutes } from './features/messages/messages.routes.tsx';
import { verificationRoutes } from './features/verification/verification.routes.tsx';
import { MAX_UPLOAD_BYTES } from './features/roster/roster.service.ts';
import { allow } from './shared/auth/access.ts';
import { AppError } from './shared/errors.ts';
import type { AppDeps, AppEnv } from './shared/http/context.ts';
import { csrf } from './shared/http/csrf.ts';
import { NONCE } from './shared/http/nonce.ts';
import { errorResponse } from './shared/http/errors.tsx';
import { clientIp, flash, language, session, setupGate, twoFactorGate } from './shared/http/middleware.ts';

const publicDir = path.relative(process.cwd(), path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'public'));

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    c.set('deps', deps);
    c.set('requestId', randomUUID());
    const started = performance.now();
    await next();
    deps.logger.info(
      { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
      'request',
    );
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: [NONCE],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      strictTransportSecurity: deps.config.secure ? 'max-age=31536000; includeSubDomains' : false,
      referrerPolicy: 'strict-origin-when-cross-origin',
      xFrameOptions: 'DENY',
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use('*', clientIp());
  app.use('*', setupGate());
  app.use('*', session());
  app.use('*', language());
  // After language(): the 413 page is in the visitor's language. Nothing above reads the body.
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE');
      },
    });
  const defaultLimit = limit(deps.config.maxBodyBytes);
  // Roster files from HR systems are large; only this one upload accepts them.
  const uploadLimit = limit(MAX_UPLOAD_BYTES + 64 * 1024);
  // Profile photos from phones and LinkedIn exports are larger than a form, smaller than a roster.
  const photoLimit = limit(MAX_PHOTO_BYTES + 64 * 1024);
  const linkedInLimit = limit(MAX_ZIP_BYTES + 64 * 1024);
  const limitFor = (p: string) => (p === '/admin/roster/import' ? uploadLimit : p === '/profile/photo' || isCoverUpload(p) ? photoLimit : p === '/profile/import' ? linkedInLimit : defaultLimit);
  // GET and HEAD carry no body: asking for one would build a full Request object for nothing.
  app.use('*', (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitFor(c.req.path)(c, next)));
  // A NUL in the address (%00) is never a real request, and PostgreSQL refuses it in text.
  app.use('*', async (c, next) => {
    if (/%00/i.test(c.req.url)) throw new AppError('BAD_REQUEST');
    return next();
  });
  app.use('*', flash());
  // RFC 8058 one-click unsubscribe comes from mail clients without a CSRF token (the link is signed).
  app.route('/', unsubscribeRoutes);
  app.use('*', csrf());
  app.use('*', twoFactorGate());
  app.use('*', async (c, next) => {
    await next();
    // Pages carry personal data: never keep them in shared caches.
    // (A route that sets its own policy, such as a member photo with a private cache, keeps it.)
    // On the response's own headers: c.header() after the response exists would rebuild it.
    if (!c.req.path.startsWith('/static/') && !c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
  });

  app.get('/static/*', allow('public'), serveStatic({ root: publicDir, rewriteRequestPath: (p) => p.replace(/^\/static/, '') }));
  app.route('/', healthRoutes);
  app.route('/', setupRoutes);
  app.route('/', authRoutes);
  app.route('/', accountRoutes);
  app.route('/', staffRoutes);
  app.route('/', adminRoutes);
  app.route('/', rosterRoutes);
  app.route('/', invitationRoutes);
  app.route('/', offboardingRoutes);
  app.route('/', verificationRoutes);
  app.route('/', profileRoutes);
  app.route('/', newsRoutes);
  app.route('/', newsletterRoutes);
  app.route('/', segmentRoutes);
  app.route('/', eventRoutes);
  app.route('/', attendanceRoutes);
  app.route('/', groupRoutes);
  app.route('/', opportunityRoutes);
  app.route('/', referralRoutes);
  app.route('/', rewardRoutes);
  app.route('/', requestRoutes);
  app.route('/', feedbackRoutes);
  app.route('/', messageRoutes);
  app.route('/', homeRoutes);

  app.notFound((c) => errorResponse(c, new AppError('NOT_FOUND')));
  app.onError((err, c) => errorResponse(c, err));
  return app;
}

export type App = ReturnType<typeof createApp>;
