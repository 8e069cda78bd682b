import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Actor, AppEnv } from '../http/context.ts';
import { accessOf, allow, permits } from './access.ts';
import { can, requiresTwoFactor, TWO_FACTOR_ROLES } from './can.ts';

function actor(role: Role, extra: Partial<Actor> = {}): Actor {
  return { id: 'u1', name: 'n', email: 'e@example.com', role, isManager: false, status: 'active', twoFactorEnabled: true, locale: null, sessionId: 's', ...extra };
}

/** A tiny app with one route guarded by `allow(access)` and a fixed actor. */
function guarded(access: Parameters<typeof allow>[0], who: Actor | null) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('actor', who);
    await next();
  });
  app.get('/x', allow(access), (c) => c.text('ok'));
  app.onError((err) => new Response(err instanceof AppError ? err.code : 'other', { status: err instanceof AppError ? err.status : 500 }));
  return app;
}

describe('allow / accessOf / permits', () => {
  it('records the declared access on the handler', () => {
    expect(accessOf(allow('public'))).toBe('public');
    expect(accessOf(allow('member'))).toBe('member');
    expect(accessOf(allow(['operator']))).toEqual(['operator']);
    expect(accessOf(() => undefined)).toBeUndefined();
    expect(accessOf('not a function')).toBeUndefined();
  });

  it('permits by role', () => {
    for (const role of ROLES) {
      expect(permits('public', role)).toBe(true);
      expect(permits('member', role)).toBe(true);
      expect(permits(['operator'], role)).toBe(role === 'operator');
    }
    expect(permits('public', null)).toBe(true);
    expect(permits('member', null)).toBe(false);
    expect(permits(['operator', 'community_manager'], null)).toBe(false);
  });

  it('enforces what it declares', async () => {
    for (const access of ['public', 'member', ['operator'], ['community_manager', 'employee']] as const) {
      for (const who of [null, ...ROLES]) {
        const res = await guarded(access, who ? actor(who) : null).request('/x');
        const expected = permits(access, who) ? 200 : who ? 403 : 401;
        expect(res.status, `${JSON.stringify(access)} × ${who ?? 'anonymous'}`).toBe(expected);
      }
    }
  });
});

describe('can', () => {
  it('lets only operators with two-factor do operator things', () => {
    expect(can(actor('operator'), 'people.invite')).toBe(true);
    expect(can(actor('operator', { twoFactorEnabled: false }), 'people.invite')).toBe(false);
    expect(can(actor('operator', { status: 'suspended' }), 'audit.view')).toBe(false);
    for (const role of ['community_manager', 'employee', 'alumnus'] as const) expect(can(actor(role), 'audit.view')).toBe(false);
    expect(can(null, 'audit.view')).toBe(false);
  });

  it('requires two-factor for operators and community managers only', () => {
    expect([...TWO_FACTOR_ROLES].sort()).toEqual(['community_manager', 'operator']);
    expect(ROLES.filter(requiresTwoFactor).sort()).toEqual(['community_manager', 'operator']);
  });
});
