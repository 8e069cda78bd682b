/** A member's own account: name and language, password, sessions, two-factor enrolment. */
import { eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import type { Db } from '../../db/client.ts';
import { users } from '../../db/schema.ts';
import type { Auth } from '../../shared/auth/auth.ts';
import { audit } from '../../shared/audit.ts';
import { AppError } from '../../shared/errors.ts';
import { findUserById } from './accounts.repository.ts';
import type { Actor } from '../../shared/http/context.ts';
import { refreshDirectory } from '../profiles/profiles.service.ts';

interface Ctx {
  auth: Auth;
  db: Db;
  headers: Headers;
  actor: Actor;
  ip: string;
}

/** The actor's own editable profile fields. */
export async function getProfile(db: Db, actor: Actor): Promise<{ nameKana: string }> {
  const user = await findUserById(db, actor.id);
  return { nameKana: user?.nameKana ?? '' };
}

export async function updateProfile(db: Db, actor: Actor, input: { name: string; nameKana: string; locale: 'ja' | 'en' }) {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t
      .update(users)
      .set({ name: input.name, nameKana: input.nameKana || null, locale: input.locale, updatedAt: new Date() })
      .where(eq(users.id, actor.id));
    // The directory shows and searches the name: its rows follow the change.
    await refreshDirectory(t, actor.id);
  });
}

export async function countSessions(ctx: Pick<Ctx, 'auth' | 'headers'>): Promise<number> {
  const list = await ctx.auth.api.listSessions({ headers: ctx.headers });
  return list.length;
}

/** Ends every session of the actor, this one included. Returns cookies clearing this browser's session. */
export async function signOutEverywhere(ctx: Ctx): Promise<Headers> {
  const res = await ctx.auth.api.revokeSessions({ headers: ctx.headers, asResponse: true });
  if (!res.ok) throw new AppError('INTERNAL', 'revokeSessions failed');
  await audit(ctx.db, { action: 'auth.sign_out_all', actor: ctx.actor, ip: ctx.ip });
  const out = await ctx.auth.api.signOut({ headers: ctx.headers, asResponse: true });
  return out.headers;
}

/** Changes the password and ends every other session. */
export async function changePassword(ctx: Ctx, currentPassword: string, newPassword: string): Promise<{ ok: boolean; headers?: Headers }> {
  const res = await ctx.auth.api.changePassword({
    body: { currentPassword, newPassword, revokeOtherSessions: true },
    headers: ctx.headers,
    asResponse: true,
  });
  if (!res.ok) return { ok: false };
  await audit(ctx.db, { action: 'auth.password_changed', actor: ctx.actor, ip: ctx.ip });
  return { ok: true, headers: res.headers };
}

export interface TotpEnrolment {
  qrDataUri: string;
  secret: string;
  backupCodes: string[];
}

/** Step 1 of enrolment: a new TOTP secret (needs the password again). Null when the password is wrong. */
export async function startTwoFactor(ctx: Ctx, password: string): Promise<TotpEnrolment | null> {
  const res = await ctx.auth.api.enableTwoFactor({ body: { password }, headers: ctx.headers, asResponse: true });
  if (!res.ok) return null;
  const body = (await res.json()) as { totpURI: string; backupCodes: string[] };
  const svg = await QRCode.toString(body.totpURI, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  const secret = new URL(body.totpURI).searchParams.get('secret') ?? '';
  return { qrDataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, secret, backupCodes: body.backupCodes };
}

/** Step 2: the first code from the app turns two-factor on. */
export async function confirmTwoFactor(ctx: Ctx, code: string): Promise<{ ok: boolean; headers?: Headers }> {
  const trimmed = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(trimmed)) return { ok: false };
  const res = await ctx.auth.api.verifyTOTP({ body: { code: trimmed }, headers: ctx.headers, asResponse: true });
  if (!res.ok) return { ok: false };
  await audit(ctx.db, { action: 'auth.two_factor_enabled', actor: ctx.actor, ip: ctx.ip });
  return { ok: true, headers: res.headers };
}
