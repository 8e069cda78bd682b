/** The 'verified' access rule (src/shared/auth/access.ts): member content only for confirmed members. */
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../db/schema.ts';
import { accessOf, allow, permits } from '../../shared/auth/access.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor, AppEnv } from '../../shared/http/context.ts';

function actor(role: Role, status: string): Actor {
  return { id: 'u1', name: 'n', email: 'e@example.com', role, isManager: false, status, twoFactorEnabled: true, locale: null, sessionId: 's' };
}

function guarded(who: Actor | null) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('actor', who);
    await next();
  });
  app.get('/x', allow('verified'), (c) => c.text('ok'));
  app.onError((err) => new Response(err instanceof AppError ? err.code : 'other', { status: err instanceof AppError ? err.status : 500 }));
  return app;
}

describe("allow('verified')", () => {
  it('is recorded for the route matrix', () => {
    expect(accessOf(allow('verified'))).toBe('verified');
  });

  it('lets every active role through and nobody pending, suspended or anonymous', async () => {
    for (const role of ROLES) {
      for (const status of ['active', 'pending', 'suspended']) {
        const res = await guarded(actor(role, status)).request('/x');
        expect(res.status, `${role} ${status}`).toBe(status === 'active' ? 200 : 403);
        expect(permits('verified', role, status), `${role} ${status}`).toBe(status === 'active');
      }
    }
    expect((await guarded(null).request('/x')).status).toBe(401);
    expect(permits('verified', null)).toBe(false);
  });

  it("leaves 'member' open to a pending account (their own request page, their account)", () => {
    expect(permits('member', 'alumnus', 'pending')).toBe(true);
    expect(permits('member', 'alumnus', 'suspended')).toBe(false);
    expect(permits(['alumnus'], 'alumnus', 'pending')).toBe(true);
  });
});
