/**
 * Configuration: one zod parse of the environment at start. Nothing else in the code
 * reads process.env (tests build a Config directly with `testConfig`).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const configSchema = z
  .object({
    /** TCP port the web server listens on. */
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** Host/interface to bind. */
    HOST: z.string().min(1).default('0.0.0.0'),
    /** Public URL of the network, used in e-mail links, cookies (Secure under https) and origin checks. */
    BASE_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:3000'),
    /** PostgreSQL connection string. When unset, the embedded PGlite database in KIZUNA_DATA_DIR is used. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    /** Folder for the embedded database, the mail outbox and uploads. */
    KIZUNA_DATA_DIR: z.string().min(1).default('./data'),
    /** SMTP relay, e.g. smtp://user:pass@smtp.example.com:587. When unset, mail goes to the outbox folder. */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
    /** Sender of every message, e.g. "Kizuna <no-reply@example.com>". */
    MAIL_FROM: z.string().min(3).default('Kizuna <no-reply@localhost>'),
    /** Secret for signing sessions and tokens; at least 32 characters. Required in production. */
    SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** development | production | test */
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** Run the job workers inside the web process (default true). Set false when running `npm run worker`. */
    KIZUNA_IN_PROCESS_WORKERS: bool.default(true),
    /** Web processes sharing the port (node:cluster), e.g. one per CPU core; more than 1 needs DATABASE_URL. */
    KIZUNA_WEB_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
    /** Log level: fatal, error, warn, info, debug, trace, silent. */
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Largest request body accepted, in kilobytes. */
    MAX_BODY_KB: z.coerce.number().int().min(16).max(102400).default(1024),
    /** Months after which a member is reminded (banner and one e-mail) to review their profile. */
    PROFILE_REVIEW_MONTHS: z.coerce.number().int().min(1).max(60).default(12),
    /** Profiles one member may open per hour (anti-scraping); operators see members who reach half of it. */
    DIRECTORY_PROFILE_VIEWS_PER_HOUR: z.coerce.number().int().min(10).max(1_000_000).default(120),
    /** Directory searches and pages one member may request per hour. */
    DIRECTORY_SEARCHES_PER_HOUR: z.coerce.number().int().min(10).max(1_000_000).default(300),
    /** Directory search pages kept in memory per process, served while the directory is unchanged; 0 turns the cache off. */
    DIRECTORY_SEARCH_CACHE: z.coerce.number().int().min(0).max(100_000).default(1000),
    /** Newsletter messages sent per second (a newsletter may set its own); 0 means no limit. */
    NEWSLETTER_RATE_PER_SECOND: z.coerce.number().int().min(0).max(100_000).default(20),
    /** Newsletter recipients a worker claims at a time. */
    NEWSLETTER_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(100),
    /** DKIM signing of outgoing mail: the signing domain (all three DKIM_* settings, or none). */
    DKIM_DOMAIN: z.string().min(1).optional(),
    /** DKIM selector (the DNS record is <selector>._domainkey.<domain>). */
    DKIM_SELECTOR: z.string().min(1).optional(),
    /** Path of the PEM private key used for DKIM signing. */
    DKIM_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SECRET) {
      ctx.addIssue({ code: 'custom', path: ['SECRET'], message: 'is required when NODE_ENV=production' });
    }
    const dkim = [env.DKIM_DOMAIN, env.DKIM_SELECTOR, env.DKIM_PRIVATE_KEY_FILE].filter(Boolean).length;
    if (dkim !== 0 && dkim !== 3) {
      ctx.addIssue({ code: 'custom', path: ['DKIM_DOMAIN'], message: 'DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE go together' });
    }
    if (env.KIZUNA_WEB_PROCESSES > 1 && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['KIZUNA_WEB_PROCESSES'], message: 'more than 1 needs DATABASE_URL (the embedded database is opened by one process only)' });
    }
  });

export interface Config {
  port: number;
  host: string;
  baseUrl: string;
  secure: boolean;
  databaseUrl: string | undefined;
  dataDir: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  secret: string;
  env: 'development' | 'production' | 'test';
  inProcessWorkers: boolean;
  /** Web processes sharing the port (1: the server process serves alone). */
  webProcesses: number;
  logLevel: string;
  maxBodyBytes: number;
  profileReviewMonths: number;
  directoryProfileViewsPerHour: number;
  directorySearchesPerHour: number;
  /** Search pages cached per process (0: none). */
  directorySearchCache: number;
  /** Null: no limit. */
  newsletterRatePerSecond: number | null;
  newsletterBatchSize: number;
  dkim: { domainName: string; keySelector: string; privateKeyFile: string } | null;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses an environment; throws ConfigError listing every problem at once. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings in .env files mean "unset".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = result.data;
  const baseUrl = e.BASE_URL.replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    baseUrl,
    secure: baseUrl.startsWith('https://'),
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.KIZUNA_DATA_DIR),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    // Without SECRET, the server keeps a generated one in the data folder (see resolveSecret).
    secret: e.SECRET ?? '',
    env: e.NODE_ENV,
    inProcessWorkers: e.KIZUNA_IN_PROCESS_WORKERS,
    webProcesses: e.KIZUNA_WEB_PROCESSES,
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.MAX_BODY_KB * 1024,
    profileReviewMonths: e.PROFILE_REVIEW_MONTHS,
    directoryProfileViewsPerHour: e.DIRECTORY_PROFILE_VIEWS_PER_HOUR,
    directorySearchesPerHour: e.DIRECTORY_SEARCHES_PER_HOUR,
    directorySearchCache: e.DIRECTORY_SEARCH_CACHE,
    newsletterRatePerSecond: e.NEWSLETTER_RATE_PER_SECOND || null,
    newsletterBatchSize: e.NEWSLETTER_BATCH_SIZE,
    dkim:
      e.DKIM_DOMAIN && e.DKIM_SELECTOR && e.DKIM_PRIVATE_KEY_FILE
        ? { domainName: e.DKIM_DOMAIN, keySelector: e.DKIM_SELECTOR, privateKeyFile: path.resolve(e.DKIM_PRIVATE_KEY_FILE) }
        : null,
  };
}

/** Reads ./.env when present; variables already set in the environment win. */
export function loadDotEnv(): void {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
}

/** Loads the process environment or exits with a readable list of what is wrong. */
export function loadConfig(): Config {
  loadDotEnv();
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`Kizuna cannot start.\n${err.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * Returns the configured secret, or one generated once and kept in the data folder so
 * sessions survive a restart of a development install.
 */
export function resolveSecret(config: Config): string {
  if (config.secret) return config.secret;
  const file = path.join(config.dataDir, '.secret');
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(32).toString('hex');
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

/**
 * The DKIM signing options for the mail transport, with the private key read from its
 * file (null when DKIM is not configured). Throws when the file cannot be read, so a
 * misconfigured key stops the start instead of sending unsigned mail.
 */
export function dkimOptions(config: Pick<Config, 'dkim'>): { domainName: string; keySelector: string; privateKey: string } | undefined {
  if (!config.dkim) return undefined;
  const privateKey = fs.readFileSync(config.dkim.privateKeyFile, 'utf8');
  return { domainName: config.dkim.domainName, keySelector: config.dkim.keySelector, privateKey };
}

/** Where uploaded files wait for processing (a shared mount when workers run elsewhere). */
export function uploadsDir(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'uploads');
}
