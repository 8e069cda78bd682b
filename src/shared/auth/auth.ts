/**
 * Accounts through better-auth: e-mail + password (argon2id, off the main thread),
 * magic links, e-mail verification, password reset, TOTP two-factor, sessions in the
 * database. Kizuna never mounts better-auth's HTTP handler: its own routes call
 * `auth.api.*` server-side, so every state change goes through Kizuna's CSRF check,
 * rate limits, audit log and Japanese/English pages.
 */
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { magicLink, twoFactor } from 'better-auth/plugins';
import { eq, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { accounts, sessions, twoFactors, users, verifications } from '../../db/schema.ts';
import { queueMail, type MailTemplate } from '../mail/mail.ts';
import { isLocale, type Locale } from '../i18n/index.ts';
import { networkName } from '../network.ts';
import { hashPassword, verifyPassword } from './password.ts';

import { MAGIC_LINK_TTL_SECONDS, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './constants.ts';

export interface AuthDeps {
  config: Config;
  db: Db;
}

async function userByEmail(db: Db, email: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`)
    .limit(1);
  return row;
}

/** Queues a message to one person in their language (or the request's, for unknown people). */
async function mailTo(
  db: Db,
  opts: { to: string; userId?: string | undefined; locale: Locale; template: MailTemplate; key: string; vars: Record<string, string> },
) {
  const network = await networkName(db, opts.locale);
  await queueMail(db, {
    key: opts.key,
    to: opts.to,
    userId: opts.userId,
    locale: opts.locale,
    template: opts.template,
    vars: { network, ...opts.vars },
  });
}

/** The language of a request, as resolved by Kizuna's language middleware (see language.ts). */
function requestLocale(request: Request | undefined): Locale {
  const value = request?.headers.get('x-kizuna-locale');
  return isLocale(value) ? value : 'ja';
}

/** A known person's saved language, else the request's. */
function userLocale(user: object, request: Request | undefined): Locale {
  const saved = (user as { locale?: unknown }).locale;
  return isLocale(saved) ? saved : requestLocale(request);
}

/** Sessions last 30 days and are extended when used after a day (the session middleware reads these too). */
export const SESSION_EXPIRES_IN_MS = 30 * 24 * 3600 * 1000;
export const SESSION_UPDATE_AGE_MS = 24 * 3600 * 1000;

export function createAuth({ config, db }: AuthDeps) {
  const base = config.baseUrl;
  return betterAuth({
    appName: 'Kizuna',
    baseURL: base,
    basePath: '/api/auth',
    secret: config.secret,
    trustedOrigins: [new URL(base).origin],
    database: drizzleAdapter(db, {
      provider: 'pg',
      schema: { user: users, session: sessions, account: accounts, verification: verifications, twoFactor: twoFactors },
    }),
    logger: { disabled: config.env === 'test' },
    // Kizuna applies its own database-backed limits (shared by every process) on its routes.
    rateLimit: { enabled: false },
    user: {
      additionalFields: {
        role: { type: 'string', required: false, defaultValue: 'alumnus', input: false },
        isManager: { type: 'boolean', required: false, defaultValue: false, input: false },
        status: { type: 'string', required: false, defaultValue: 'pending', input: false },
        nameKana: { type: 'string', required: false, input: true },
        locale: { type: 'string', required: false, input: true },
      },
    },
    session: {
      expiresIn: SESSION_EXPIRES_IN_MS / 1000,
      updateAge: SESSION_UPDATE_AGE_MS / 1000,
    },
    advanced: {
      cookiePrefix: 'kizuna',
      useSecureCookies: config.secure,
      defaultCookieAttributes: { sameSite: 'lax', httpOnly: true, secure: config.secure },
      database: { generateId: () => crypto.randomUUID() },
      ipAddress: { ipAddressHeaders: ['x-kizuna-client-ip'] },
    },
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: true,
      autoSignIn: false,
      minPasswordLength: MIN_PASSWORD_LENGTH,
      maxPasswordLength: MAX_PASSWORD_LENGTH,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 60 * 60,
      password: {
        // argon2id runs on libuv's thread pool: a sign-in does not block other requests.
        hash: hashPassword,
        verify: ({ hash, password }) => verifyPassword(hash, password),
      },
      sendResetPassword: async ({ user, token }, request) => {
        await mailTo(db, {
          to: user.email,
          userId: user.id,
          locale: userLocale(user, request),
          template: 'resetPassword',
          key: `reset:${user.id}:${token}`,
          vars: { name: user.name, url: `${base}/auth/reset-password?token=${encodeURIComponent(token)}` },
        });
      },
      onExistingUserSignUp: async ({ user }, request) => {
        await mailTo(db, {
          to: user.email,
          userId: user.id,
          locale: userLocale(user, request),
          template: 'signUpExisting',
          key: `signup-existing:${user.id}:${Date.now()}`,
          vars: { url: `${base}/auth/sign-in` },
        });
      },
    },
    emailVerification: {
      sendOnSignUp: true,
      sendOnSignIn: true,
      autoSignInAfterVerification: false,
      expiresIn: 60 * 60 * 24,
      sendVerificationEmail: async ({ user, token }, request) => {
        await mailTo(db, {
          to: user.email,
          userId: user.id,
          locale: userLocale(user, request),
          template: 'verifyEmail',
          key: `verify:${user.id}:${token.slice(-24)}`,
          vars: { name: user.name, url: `${base}/auth/verify-email?token=${encodeURIComponent(token)}` },
        });
      },
    },
    plugins: [
      twoFactor({ issuer: 'Kizuna', skipVerificationOnEnable: false }),
      magicLink({
        expiresIn: MAGIC_LINK_TTL_SECONDS,
        disableSignUp: true,
        storeToken: 'hashed',
        sendMagicLink: async ({ email, token }, ctx) => {
          const user = await userByEmail(db, email);
          // Unknown addresses get nothing; the page answers the same either way.
          if (!user) return;
          const locale = user.locale ?? requestLocale(ctx?.request);
          if (user.twoFactorEnabled) {
            await mailTo(db, {
              to: user.email,
              userId: user.id,
              locale,
              template: 'magicLinkTwoFactor',
              key: `magic-2fa:${user.id}:${token.slice(0, 16)}`,
              vars: { url: `${base}/auth/sign-in` },
            });
            return;
          }
          await mailTo(db, {
            to: user.email,
            userId: user.id,
            locale,
            template: 'magicLink',
            key: `magic:${user.id}:${token.slice(0, 16)}`,
            vars: { url: `${base}/auth/magic-link?token=${encodeURIComponent(token)}` },
          });
        },
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** Whether a user (by id) has two-factor turned on; used to refuse e-mail-link sign-in for them. */
export async function hasTwoFactor(db: Db, userId: string): Promise<boolean> {
  const [row] = await db.select({ on: users.twoFactorEnabled }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.on ?? false;
}
