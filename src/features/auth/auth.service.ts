/**
 * Sign-in flows on top of better-auth. Each function returns what the page needs and the
 * headers (cookies) to forward; rate limits and the audit log are applied here so every
 * entry point gets them.
 */
import { createHash } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users, verifications } from '../../db/schema.ts';
import type { Auth } from '../../shared/auth/auth.ts';
import { audit } from '../../shared/audit.ts';
import { hit, LIMITS } from '../../shared/http/rate-limit.ts';
import { matchAfterVerification, recordSignupRequest, type SignupAnswers } from '../verification/verification.service.ts';

export interface FlowCtx {
  auth: Auth;
  db: Db;
  headers: Headers;
  ip: string;
  userAgent?: string | undefined;
  /** BASE_URL, for links in mail sent from these flows. */
  baseUrl: string;
}

export type SignInResult =
  | { kind: 'signed-in'; headers: Headers; userId: string }
  | { kind: 'two-factor'; headers: Headers }
  | { kind: 'unverified' }
  | { kind: 'invalid' };

async function errorCode(res: Response): Promise<string | undefined> {
  try {
    const body = (await res.clone().json()) as { code?: string };
    return body.code;
  } catch {
    return undefined;
  }
}

/** E-mail + password. Unknown address and wrong password give the same answer. */
export async function signInWithPassword(ctx: FlowCtx, email: string, password: string): Promise<SignInResult> {
  await hit(ctx.db, LIMITS.signInPerIp, ctx.ip);
  await hit(ctx.db, LIMITS.signInPerEmail, email);
  const res = await ctx.auth.api.signInEmail({ body: { email, password, rememberMe: true }, headers: ctx.headers, asResponse: true });
  if (res.ok) {
    const body = (await res.json()) as { twoFactorRedirect?: boolean; user?: { id: string; email: string } };
    if (body.twoFactorRedirect) return { kind: 'two-factor', headers: res.headers };
    const user = body.user!;
    await audit(ctx.db, { action: 'auth.sign_in', actor: user, ip: ctx.ip, userAgent: ctx.userAgent, details: { method: 'password' } });
    return { kind: 'signed-in', headers: res.headers, userId: user.id };
  }
  const code = await errorCode(res);
  if (code === 'EMAIL_NOT_VERIFIED') return { kind: 'unverified' };
  await audit(ctx.db, {
    action: 'auth.sign_in_failed',
    ip: ctx.ip,
    userAgent: ctx.userAgent,
    details: { email: email.slice(0, 254).toLowerCase(), reason: code ?? String(res.status) },
  });
  return { kind: 'invalid' };
}

/** Second step: a TOTP code (6 digits) or a backup code. */
export async function verifySecondFactor(ctx: FlowCtx, code: string): Promise<{ ok: true; headers: Headers } | { ok: false; expired: boolean }> {
  await hit(ctx.db, LIMITS.twoFactorPerIp, ctx.ip);
  const trimmed = code.replace(/\s+/g, '');
  const res = /^\d{6}$/.test(trimmed)
    ? await ctx.auth.api.verifyTOTP({ body: { code: trimmed, trustDevice: false }, headers: ctx.headers, asResponse: true })
    : await ctx.auth.api.verifyBackupCode({ body: { code: trimmed, trustDevice: false }, headers: ctx.headers, asResponse: true });
  if (res.ok) {
    const body = (await res.json()) as { user?: { id: string; email: string } };
    if (body.user) {
      await audit(ctx.db, { action: 'auth.sign_in', actor: body.user, ip: ctx.ip, userAgent: ctx.userAgent, details: { method: 'password+2fa' } });
    }
    return { ok: true, headers: res.headers };
  }
  const errCode = await errorCode(res);
  const expired = errCode === 'INVALID_TWO_FACTOR_COOKIE' || res.status === 401 && errCode !== 'INVALID_CODE' && errCode !== 'INVALID_BACKUP_CODE';
  await audit(ctx.db, { action: 'auth.two_factor_failed', ip: ctx.ip, userAgent: ctx.userAgent, details: { reason: errCode ?? String(res.status) } });
  return { ok: false, expired };
}

/** Sends a sign-in link (or, for two-factor accounts, a note to use the password). Same answer for every address. */
export async function requestMagicLink(ctx: FlowCtx, email: string): Promise<void> {
  await hit(ctx.db, LIMITS.mailPerIp, ctx.ip);
  await hit(ctx.db, LIMITS.mailPerEmail, email);
  await ctx.auth.api.signInMagicLink({ body: { email, callbackURL: '/' }, headers: ctx.headers });
}

/** The user a pending magic link belongs to, without consuming it. */
async function magicLinkUser(db: Db, token: string) {
  const identifier = `magic-link:${createHash('sha256').update(token).digest('base64url')}`;
  const [row] = await db
    .select({ value: verifications.value })
    .from(verifications)
    .where(and(eq(verifications.identifier, identifier), gt(verifications.expiresAt, new Date())))
    .limit(1);
  if (!row) return undefined;
  try {
    const { email } = JSON.parse(row.value) as { email?: string };
    if (!email) return undefined;
    const [user] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1);
    return user;
  } catch {
    return undefined;
  }
}

export type MagicLinkResult = { kind: 'signed-in'; headers: Headers } | { kind: 'invalid' } | { kind: 'needs-two-factor' };

/** Consumes a sign-in link (on POST: mail scanners that follow links never sign anyone in). */
export async function signInWithMagicLink(ctx: FlowCtx, token: string): Promise<MagicLinkResult> {
  await hit(ctx.db, LIMITS.signInPerIp, ctx.ip);
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) return { kind: 'invalid' };
  const user = await magicLinkUser(ctx.db, token);
  if (!user) return { kind: 'invalid' };
  // Staff with two-factor must not be able to bypass it with an e-mail link.
  if (user.twoFactorEnabled) return { kind: 'needs-two-factor' };
  const res = await ctx.auth.api.magicLinkVerify({ query: { token, callbackURL: '/' }, headers: ctx.headers, asResponse: true });
  const location = res.headers.get('location') ?? '';
  if (res.status >= 400 || location.includes('error=')) return { kind: 'invalid' };
  await audit(ctx.db, { action: 'auth.sign_in_magic_link', actor: { id: user.id, email: user.email }, ip: ctx.ip, userAgent: ctx.userAgent });
  // An e-mail link also confirms the address: a self sign-up is matched against the roster now.
  if (!user.emailVerified) await matchAfterVerification(ctx.db, user.id, ctx.baseUrl);
  return { kind: 'signed-in', headers: res.headers };
}

/**
 * Creates an account awaiting e-mail confirmation (status 'pending', role 'alumnus') and
 * records the self sign-up request with its consent (src/features/verification). An
 * address already in use gets a notice by mail, and the same answer here: better-auth then
 * answers with a made-up user, for which nothing is recorded.
 */
export async function signUp(
  ctx: FlowCtx,
  input: { name: string; nameKana: string; email: string; password: string; locale: 'ja' | 'en'; request: SignupAnswers },
): Promise<void> {
  await hit(ctx.db, LIMITS.signUpPerIp, ctx.ip);
  await hit(ctx.db, LIMITS.mailPerEmail, input.email);
  const res = await ctx.auth.api.signUpEmail({
    body: { name: input.name, email: input.email, password: input.password, nameKana: input.nameKana || undefined, locale: input.locale },
    headers: ctx.headers,
    asResponse: true,
  });
  if (!res.ok) return;
  const body = (await res.json().catch(() => null)) as { user?: { id?: unknown } } | null;
  const userId = body?.user?.id;
  if (typeof userId === 'string') await recordSignupRequest(ctx.db, { userId, name: input.name, answers: input.request, ip: ctx.ip });
}

/** The e-mail a verification token (a signed JWT) names; only read after better-auth accepted it. */
function tokenEmail(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { email?: unknown };
    return typeof payload.email === 'string' ? payload.email : undefined;
  } catch {
    return undefined;
  }
}

export async function verifyEmail(ctx: FlowCtx, token: string): Promise<boolean> {
  if (token.length > 4096) return false;
  const res = await ctx.auth.api.verifyEmail({ query: { token }, headers: ctx.headers, asResponse: true });
  if (!res.ok) return false;
  const email = tokenEmail(token);
  const [user] = email
    ? await ctx.db.select({ id: users.id, email: users.email }).from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1)
    : [];
  await audit(ctx.db, { action: 'auth.email_verified', actor: user ?? null, subjectType: 'user', subjectId: user?.id, ip: ctx.ip, userAgent: ctx.userAgent });
  // The address is proven: a self sign-up is matched against the roster now (verification.service.ts).
  if (user) await matchAfterVerification(ctx.db, user.id, ctx.baseUrl);
  return true;
}

export async function requestPasswordReset(ctx: FlowCtx, email: string): Promise<void> {
  await hit(ctx.db, LIMITS.mailPerIp, ctx.ip);
  await hit(ctx.db, LIMITS.mailPerEmail, email);
  await ctx.auth.api.requestPasswordReset({ body: { email, redirectTo: '/auth/reset-password' }, headers: ctx.headers });
}

/** The account a pending reset token belongs to (better-auth keeps `reset-password:<token>` → user id). */
async function resetTokenUser(db: Db, token: string) {
  const [row] = await db
    .select({ userId: verifications.value })
    .from(verifications)
    .where(and(eq(verifications.identifier, `reset-password:${token}`), gt(verifications.expiresAt, new Date())))
    .limit(1);
  if (!row) return undefined;
  const [user] = await db.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, row.userId)).limit(1);
  return user;
}

export async function resetPassword(ctx: FlowCtx, token: string, newPassword: string): Promise<boolean> {
  await hit(ctx.db, LIMITS.signInPerIp, ctx.ip);
  const user = await resetTokenUser(ctx.db, token);
  const res = await ctx.auth.api.resetPassword({ body: { token, newPassword }, headers: ctx.headers, asResponse: true });
  if (res.ok) await audit(ctx.db, { action: 'auth.password_reset', actor: user ?? null, subjectType: 'user', subjectId: user?.id, ip: ctx.ip, userAgent: ctx.userAgent });
  return res.ok;
}

export async function signOut(ctx: FlowCtx, actor: { id: string; email: string } | null): Promise<Headers> {
  const res = await ctx.auth.api.signOut({ headers: ctx.headers, asResponse: true });
  if (actor) await audit(ctx.db, { action: 'auth.sign_out', actor, ip: ctx.ip, userAgent: ctx.userAgent });
  return res.headers;
}
