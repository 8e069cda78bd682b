/**
 * The Kizuna side of the newsletter benchmark, in its own process (so it can be killed with
 * SIGKILL mid-send): job workers with the newsletter handlers, sending through the pooled
 * SMTP transport. Mode `start` begins the send; `resume` only runs the workers (after a kill).
 * `bare` is the baseline: a plain nodemailer pooled loop sending the same message.
 * Usage: node --import tsx bench/newsletter-child.ts <mode> <databaseUrl> <smtpUrl> <newsletterId> [count]
 */
import nodemailer from 'nodemailer';
import { eq } from 'drizzle-orm';
import { openDb } from '../src/db/client.ts';
import { newsletters } from '../src/db/schema.ts';
import { beginSend, newsletterJobHandlers } from '../src/features/newsletters/sender.ts';
import { compileNewsletter, personalise } from '../src/features/newsletters/render.ts';
import { startWorkers } from '../src/shared/jobs/queue.ts';
import { createTransport } from '../src/shared/mail/mailer.ts';

const [mode, databaseUrl, smtpUrl, newsletterId, countText] = process.argv.slice(2) as [string, string, string, string, string?];
const config = { mailFrom: 'Kizuna Bench <news@bench.example>', baseUrl: 'https://alumni.bench.example', secret: 'b'.repeat(40), newsletterRatePerSecond: null, newsletterBatchSize: 100 };
const PARALLEL = 8;
const POOL = 3;

if (mode === 'bare') {
    // The same message as Kizuna renders, sent in a loop with the same pool and parallelism.
  const count = Number(countText);
  const db = await openDb({ databaseUrl });
  const [row] = await db.db.select().from(newsletters).where(eq(newsletters.id, newsletterId));
  await db.close();
  const compiled = compileNewsletter({
    newsletter: row!,
    posts: [],
    locale: 'ja',
    sender: { name: 'Bench 株式会社', postalAddress: '東京都千代田区1-1', contact: 'news@bench.example' },
    networkName: 'Bench',
    baseUrl: config.baseUrl,
  });
  const started = performance.now();
  const transporter = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: POOL });
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const mail = personalise(compiled, { userId: `bare-${i}`, name: `会員 ${i}` }, { baseUrl: config.baseUrl, secret: config.secret, track: true });
      const to = `bare-${i}@bench.example`;
      await transporter.sendMail({ from: config.mailFrom, to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers, envelope: { from: 'news@bench.example', to: [to] } });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  transporter.close();
  process.stdout.write(`${JSON.stringify({ ms: Math.round(performance.now() - started), sent: count })}\n`);
  process.exit(0);
}

const database = await openDb({ databaseUrl });
const started = performance.now();
const transport = createTransport({ smtpUrl, dataDir: '/tmp' }, { smtp: { maxConnections: POOL } });
const handlers = newsletterJobHandlers({ transport, config, staleClaimMs: 2000, parallel: PARALLEL });
const workers = startWorkers({ database, handlers, concurrency: 2, pollMs: 20, recoverRunningOnStart: true });
if (mode === 'start') {
  const result = await beginSend(database.db, newsletterId);
  if (result.status !== 'started') throw new Error(`could not start: ${result.status}`);
  workers.wake();
}
for (;;) {
  const [n] = await database.db.select({ state: newsletters.state }).from(newsletters).where(eq(newsletters.id, newsletterId));
  if (n?.state === 'sent') break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const ms = Math.round(performance.now() - started);
await workers.stop();
await transport.close();
await database.close();
process.stdout.write(`${JSON.stringify({ ms })}\n`);
