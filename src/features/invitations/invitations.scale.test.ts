/** A wave of 2,000 people: the request stays short; the e-mails are queued by the send job. */
import { count, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';
import { invitations, jobs, mailMessages } from '../../db/schema.ts';
import { deliverWave, sendWave } from './invitations.service.ts';
import { addPeople, makeDepartment, operatorActor, segmentOf } from './testing.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ setup: true });
});
afterAll(async () => t?.close());

it('sends a 2,000-person wave: one short transaction, then the send job', async () => {
  const operator = operatorActor(await t.ensureSetup());
  const dept = await makeDepartment(t.db);
  await addPeople(
    t.db,
    dept,
    Array.from({ length: 2000 }, () => ({})),
  );
  const started = performance.now();
  const sent = await sendWave({ db: t.db, actor: operator }, { name: '2,000', segment: segmentOf([dept]), basis: 'consent_import', note: '', locale: 'ja' });
  const ms = Math.round(performance.now() - started);
  expect(sent.invited).toBe(2000);
  // The send job: 2,000 tokens and queued mails, 250 per transaction.
  const jobStarted = performance.now();
  const delivered = await deliverWave({ db: t.db, baseUrl: t.config.baseUrl, waveId: sent.waveId! });
  const jobMs = Math.round(performance.now() - jobStarted);
  console.log(`2,000-person wave on ${t.database.kind}: request ${ms} ms, send job ${jobMs} ms`);
  expect(delivered).toEqual({ queued: 2000, dropped: 0 });
  const [inv] = await t.db.select({ n: count() }).from(invitations).where(eq(invitations.waveId, sent.waveId!));
  const [mail] = await t.db.select({ n: count() }).from(mailMessages).where(like(mailMessages.key, 'invite:%'));
  const [job] = await t.db.select({ n: count() }).from(jobs).where(eq(jobs.queue, 'mail.send'));
  expect([inv!.n, mail!.n, job!.n]).toEqual([2000, 2000, 2000]);
}, 60_000);
