import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('has working defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      baseUrl: 'http://localhost:3000',
      secure: false,
      databaseUrl: undefined,
      smtpUrl: undefined,
      env: 'development',
      inProcessWorkers: true,
      logLevel: 'info',
      maxBodyBytes: 1024 * 1024,
      secret: '',
    });
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://db/kizuna', SMTP_URL: 'http://mail', LOG_LEVEL: 'loud', MAX_BODY_KB: '1' });
    expect(problems).toHaveLength(5);
    for (const name of ['PORT', 'DATABASE_URL', 'SMTP_URL', 'LOG_LEVEL', 'MAX_BODY_KB']) {
      expect(problems.some((p) => p.startsWith(`${name}:`)), name).toBe(true);
    }
    const err = (() => {
      try {
        parseConfig({ PORT: '70000', DATABASE_URL: 'sqlite:x' });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err?.message).toMatch(/PORT/);
    expect(err?.message).toMatch(/DATABASE_URL: must start with postgres:\/\/ or postgresql:\/\//);
  });

  it('requires SECRET in production, of at least 32 characters', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual(['SECRET: is required when NODE_ENV=production']);
    expect(problemsOf({ NODE_ENV: 'production', SECRET: 'short' })).toEqual(['SECRET: must be at least 32 characters']);
    expect(parseConfig({ NODE_ENV: 'production', SECRET: 's'.repeat(32) }).secret).toBe('s'.repeat(32));
  });

  it('treats empty values as unset', () => {
    const config = parseConfig({ PORT: '', DATABASE_URL: '', SECRET: '' });
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(problemsOf({ NODE_ENV: 'production', SECRET: '' })).toEqual(['SECRET: is required when NODE_ENV=production']);
  });

  it('derives secure cookies from an https BASE_URL and drops a trailing slash', () => {
    const config = parseConfig({ BASE_URL: 'https://alumni.example.jp/' });
    expect(config.baseUrl).toBe('https://alumni.example.jp');
    expect(config.secure).toBe(true);
    expect(problemsOf({ BASE_URL: 'ftp://example.jp' })[0]).toMatch(/^BASE_URL:/);
  });

  it('reads booleans, numbers and URLs', () => {
    const config = parseConfig({
      PORT: '8080',
      KIZUNA_IN_PROCESS_WORKERS: 'false',
      MAX_BODY_KB: '64',
      DATABASE_URL: 'postgresql://kizuna@db/kizuna',
      SMTP_URL: 'smtps://user:pass@smtp.example.jp:465',
    });
    expect(config).toMatchObject({ port: 8080, inProcessWorkers: false, maxBodyBytes: 64 * 1024, databaseUrl: 'postgresql://kizuna@db/kizuna' });
    expect(problemsOf({ KIZUNA_IN_PROCESS_WORKERS: 'maybe' })[0]).toMatch(/^KIZUNA_IN_PROCESS_WORKERS:/);
  });
});
