/**
 * Newsletter sending: 100,000 opted-in recipients end to end (ledger INSERT … SELECT, the
 * job queue, batches claimed with SKIP LOCKED, pooled SMTP) to a local smtp-server receiver,
 * next to a bare nodemailer pooled loop sending the same message to the same receiver in the
 * same run (target: ≥ 80% of the bare rate; throttle off). Then a send killed with SIGKILL at
 * a random point and restarted: 0 missed, duplicates counted (receiver vs ledger).
 * BENCH_NEWSLETTER_SIZE sets the size; PostgreSQL from BENCH_DATABASE_URL.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { openDb } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import type { Benchmark } from './registry.ts';

const SIZE = Number(process.env.BENCH_NEWSLETTER_SIZE ?? 100_000);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'kizuna_bench_newsletter';

/** A receiver that only counts messages per recipient (storing 100,000 messages would measure memory, not sending). */
async function countingReceiver() {
  const perAddress = new Map<string, number>();
  let total = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    size: 1 << 20,
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) perAddress.set(r.address, (perAddress.get(r.address) ?? 0) + 1);
        total++;
        callback();
      });
    },
  });
  // The killed sender resets its connections: that is expected here, not a failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    perAddress,
    get total() {
      return total;
    },
    reset() {
      perAddress.clear();
      total = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs a child asynchronously: the receiver lives in this process and must keep answering. */
function runChild(args: string[]): Promise<{ ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/newsletter-child.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`child exited with ${code}`))));
  });
}

async function setUp(url: string): Promise<void> {
  const database = await openDb({ databaseUrl: url });
  await migrate(database);
  await database.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`insert into network_settings (id, name_ja, name_en, operator_type, purpose_ja, rules_ja, sender_name, sender_postal_address, sender_contact)
    values (1, 'ベンチ', 'Bench', 'company', '目的', '規約', 'Bench 株式会社', '東京都千代田区1-1', 'news@bench.example')`);
  // Generated members with newsletter opt-in, inserted with unnest in one statement each.
  await client.query(
    `insert into users (id, name, email, email_verified, role, status, locale)
     select 'u' || i, '会員 ' || i, 'm' || i || '@bench.example', true, 'alumnus', 'active', case when i % 3 = 0 then 'en' else 'ja' end
     from unnest(array(select generate_series(1, $1::int))) as i`,
    [SIZE],
  );
  await client.query(`insert into notification_preferences (user_id, newsletter) select id, true from users`);
  await client.query(`insert into consents (user_id, kind, version, source) select id, 'newsletter', 'bench', 'import' from users`);
  await client.query('analyze');
  await client.end();
}

async function newNewsletter(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const id = randomUUID();
  await client.query(
    `insert into newsletters (id, subject_ja, subject_en, intro_ja, intro_en) values ($1, '11月のアルムナイ通信', 'November alumni news', $2, $3)`,
    [id, 'いつもありがとうございます。今月のお知らせです。\n\n詳しくは [会社のサイト](https://example.com/about) をご覧ください。', 'Thank you as always. Here is this month’s news.\n\nSee [our site](https://example.com/about).'],
  );
  await client.end();
  return id;
}

async function ledgerCounts(url: string, id: string): Promise<{ sent: number; resumed: number; retried: number; notSent: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    `select count(*) filter (where state = 'sent')::int as sent, count(*) filter (where state <> 'sent')::int as not_sent,
      count(*) filter (where error like 'resumed%')::int as resumed, count(*) filter (where attempts > 1)::int as retried
     from newsletter_recipients where newsletter_id = $1`,
    [id],
  );
  await client.end();
  return { sent: rows[0].sent, resumed: rows[0].resumed, retried: rows[0].retried, notSent: rows[0].not_sent };
}

export const newsletterBench: Benchmark = {
  description: `newsletter to ${SIZE.toLocaleString()} recipients through the queue vs a bare nodemailer pooled loop; SIGKILL and resume`,
  async run() {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
    const u = new URL(ADMIN_URL);
    u.pathname = `/${DB_NAME}`;
    const url = u.toString();
    const receiver = await countingReceiver();
    try {
      const setupStart = performance.now();
      await setUp(url);
      const setupMs = Math.round(performance.now() - setupStart);

      // Baseline and Kizuna, same receiver, same message, same run.
      const first = await newNewsletter(url);
      const bare = await runChild(['bare', url, receiver.url, first, String(SIZE)]);
      const bareRate = SIZE / (bare.ms / 1000);
      receiver.reset();
      const kizuna = await runChild(['start', url, receiver.url, first]);
      const kizunaRate = SIZE / (kizuna.ms / 1000);
      const e2e = await ledgerCounts(url, first);
      const e2eMissed = SIZE - receiver.perAddress.size;

      // Killed at a random point, then restarted.
      receiver.reset();
      const second = await newNewsletter(url);
      const killAt = Math.floor(SIZE * (0.1 + Math.random() * 0.7));
      const child = spawn(process.execPath, ['--import', 'tsx', 'bench/newsletter-child.ts', 'start', url, receiver.url, second], { stdio: 'ignore' });
      while (receiver.total < killAt) await new Promise((resolve) => setTimeout(resolve, 5));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const atKill = receiver.total;
      const resumed = await runChild(['resume', url, receiver.url, second]);
      const counts = await ledgerCounts(url, second);
      let duplicates = 0;
      for (const n of receiver.perAddress.values()) duplicates += n - 1;
      return {
        recipients: SIZE,
        setupMs,
        bare: { ms: bare.ms, perSecond: Math.round(bareRate) },
        kizuna: { ms: kizuna.ms, perSecond: Math.round(kizunaRate), ledgerSent: e2e.sent, missed: e2eMissed },
        ratioOfBare: Number((kizunaRate / bareRate).toFixed(2)),
        target: '≥ 0.80 of the bare rate',
        killAndResume: {
          killedAfterMessages: atKill,
          resumeMs: resumed.ms,
          received: receiver.total,
          distinctRecipients: receiver.perAddress.size,
          missed: SIZE - receiver.perAddress.size,
          duplicatesAtReceiver: duplicates,
          ledgerResumedRows: counts.resumed,
          ledgerNotSent: counts.notSent,
        },
      };
    } finally {
      await receiver.close();
      await admin.end();
    }
  },
};
