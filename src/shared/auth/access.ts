/**
 * Route-level access. Every route's first handler is `allow(...)`, which both enforces
 * the rule and records it, so a test can walk every registered route × every role and
 * fail on a route that declares nothing.
 */
import type { MiddlewareHandler } from 'hono';
import type { Role } from '../../db/schema.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';

/**
 * 'public': everyone, signed in or not; 'member': any signed-in person (also one whose
 * membership is still being verified); 'verified': a signed-in person whose membership is
 * confirmed (status 'active'): the rule for every page with member content; or a list of roles.
 */
export type Access = 'public' | 'member' | 'verified' | readonly Role[];

const registry = new WeakMap<object, Access>();

export function allow(access: Access): MiddlewareHandler<AppEnv> {
  const mw: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (access === 'public') return next();
    const actor = c.get('actor');
    if (!actor) throw new AppError('UNAUTHENTICATED');
    // Access revoked: the account may sign in and out, and see public pages, nothing else.
    if (actor.status === 'suspended') throw new AppError('FORBIDDEN');
    // A sign-up still being verified (or declined) never sees member content.
    if (access === 'verified') {
      if (actor.status !== 'active') throw new AppError('FORBIDDEN');
      return next();
    }
    if (access !== 'member' && !access.includes(actor.role)) throw new AppError('FORBIDDEN');
    return next();
  };
  registry.set(mw, access);
  return mw;
}

/** The access declared by a handler created with `allow`, if it is one. */
export function accessOf(handler: unknown): Access | undefined {
  return typeof handler === 'function' ? registry.get(handler) : undefined;
}

/** Whether a role (or anonymous, as null) with a member status passes an access rule. */
export function permits(access: Access, role: Role | null, status: string = 'active'): boolean {
  if (access === 'public') return true;
  if (role === null || status === 'suspended') return false;
  if (access === 'verified') return status === 'active';
  return access === 'member' || access.includes(role);
}
