/**
 * The application pipeline through HTTP: every role on every pipeline page (the applicant never
 * sees internal notes or 再雇用可否; employees and community managers only what is assigned to
 * them, by list and by URL), stages with messages and mail in the applicant's language, assigning
 * (never to someone blocked either way), hired → rehired (roster and role), and the exact numbers
 * of the return insights.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp, type TestUser } from '../../../test/app.ts';
import { applications, auditEvents, caseHistory, employmentEvents, memberBlocks, opportunities, rosterEntries, users, type PipelineStage } from '../../db/schema.ts';
import type { Actor } from '../../shared/http/context.ts';
import { messages } from '../../shared/i18n/index.ts';
import { insights } from './applications.service.ts';

const ja = messages('ja');
const en = messages('en');
const O = ja.opportunities;

let t: TestApp;
let operator: Client;
let operatorUser: TestUser;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
  ({ client: operator, user: operatorUser } = await t.signedIn('operator'));
});

afterAll(async () => {
  await t?.close();
});

let seq = 0;
const unique = () => `${++seq}-${Date.now().toString(36)}`;

async function opportunity(kind: 'full_time' | 'contract' | 'side_job' | 'project' | 'advisory' = 'full_time'): Promise<string> {
  const [row] = await t.db
    .insert(opportunities)
    .values({ kind, title: `ポジション ${unique()}`, description: '説明', state: 'open', audience: 'alumni', publishedAt: new Date() })
    .returning();
  return row!.id;
}

interface Applicant {
  user: TestUser;
  client: Client;
  applicationId: string;
}

/** An alumnus (optionally on the roster) who applied through the real page. */
async function applicant(opts: { locale?: 'ja' | 'en'; roster?: 'yes' | 'no' | null; opportunityId?: string | null } = {}): Promise<Applicant> {
  const user = await t.createUser('alumnus', { name: `応募者 ${unique()}`, locale: opts.locale ?? null });
  const client = await t.newSession(user);
  if (opts.roster !== null) {
    await t.db.insert(rosterEntries).values({ employeeNumber: `E${unique()}`, name: user.name, joinedOn: '2015-04-01', leftOn: '2021-03-31', rehireEligible: opts.roster ?? 'yes', userId: user.id });
  }
  const res =
    opts.opportunityId === null
      ? await client.post('/opportunities/return', { whatChanged: '経験を積みました', reasons: 'growth' })
      : await client.post(`/opportunities/${opts.opportunityId ?? (await opportunity())}/apply`, { note: 'よろしくお願いします' });
  expect(res.status).toBe(303);
  return { user, client, applicationId: res.location!.split('/').pop()! };
}

const stageOf = async (id: string) => (await t.db.select({ stage: applications.stage }).from(applications).where(eq(applications.id, id)))[0]!.stage;

// ---------------------------------------------------------------- telling the pipeline

describe('a new application', () => {
  it('is mailed to every active operator (who runs the pipeline), each in their language, for an opportunity and for the open door', async () => {
    const english = await t.createUser('operator', { name: `Operator ${unique()}`, locale: 'en' });
    const operators = await t.db.select({ email: users.email }).from(users).where(and(eq(users.role, 'operator'), eq(users.status, 'active')));
    for (const opportunityId of [undefined, null]) {
      const a = await applicant({ opportunityId });
      const forThis = (await t.mails({ template: 'applicationNew' })).filter((m) => m.text.includes(`/admin/applications/${a.applicationId}`));
      expect(forThis.map((m) => m.to).sort()).toEqual(operators.map((o) => o.email).sort());
      const mine = forThis.find((m) => m.to === operatorUser.email)!;
      expect(mine.locale).toBe('ja');
      expect(mine.subject).toContain(a.user.name);
      if (opportunityId === null) expect(mine.subject).toContain(O.returnTitle);
      const theirs = forThis.find((m) => m.to === english.email)!;
      expect(theirs.locale).toBe('en');
      expect(theirs.subject).toContain(`New application from ${a.user.name}`);
      if (opportunityId === null) expect(theirs.subject).toContain(en.opportunities.returnTitle);
    }
  });
});

// ---------------------------------------------------------------- every role on every pipeline page

describe('every role on every pipeline page', () => {
  let a: Applicant;
  let other: Applicant;
  let employee: { user: TestUser; client: Client };
  let cm: { user: TestUser; client: Client };
  let stranger: Client;
  const INTERNAL = `社内だけのメモ ${Date.now()}`;
  const MESSAGE = `面談の日程をご相談させてください ${Date.now()}`;

  beforeAll(async () => {
    a = await applicant({ roster: 'no' });
    other = await applicant();
    employee = await t.signedIn('employee');
    cm = await t.signedIn('community_manager');
    stranger = (await t.signedIn('manager')).client;
    expect((await operator.post(`/admin/applications/${a.applicationId}/assign`, { email: employee.user.email })).status).toBe(303);
    expect((await operator.post(`/admin/applications/${other.applicationId}/assign`, { email: cm.user.email })).status).toBe(303);
    expect((await employee.client.post(`/admin/applications/${a.applicationId}/notes`, { body: INTERNAL })).status).toBe(303);
    expect((await operator.post(`/admin/applications/${a.applicationId}/stage`, { stage: 'casual_talk', message: MESSAGE })).status).toBe(303);
  });

  it('the applicant: own page with plain words and the message, never internal notes or 再雇用可否; nothing else', async () => {
    const page = await a.client.get(`/applications/${a.applicationId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(O.applicantStages.casual_talk);
    expect(page.body).toContain(MESSAGE);
    expect(page.body).not.toContain(INTERNAL);
    expect(page.body).not.toContain(O.detail.rehire);
    expect(page.body).not.toContain(O.detail.rehireValues.no);
    expect(page.body).not.toContain(O.detail.notesTitle);
    expect((await a.client.get(`/applications/${other.applicationId}`)).status).toBe(404);
    expect((await a.client.post(`/applications/${other.applicationId}/withdraw`)).status).toBe(404);
    for (const path of ['/admin/applications', `/admin/applications/${a.applicationId}`, '/admin/applications/insights']) expect((await a.client.get(path)).status, path).toBe(403);
    for (const path of ['stage', 'assign', 'notes']) expect((await a.client.post(`/admin/applications/${a.applicationId}/${path}`, { stage: 'hired', body: 'x', email: a.user.email })).status, path).toBe(403);
    expect(await stageOf(a.applicationId)).toBe('casual_talk');
  });

  it('the assigned employee: that application only (list and URL), its internal notes, never 再雇用可否, no stage or assignee changes', async () => {
    const list = await employee.client.get('/admin/applications');
    expect(list.status).toBe(200);
    expect(list.body).toContain(a.user.name);
    expect(list.body).not.toContain(other.user.name);
    const page = await employee.client.get(`/admin/applications/${a.applicationId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(INTERNAL);
    expect(page.body).not.toContain(O.detail.rehire);
    expect(page.body).not.toContain(`action="/admin/applications/${a.applicationId}/stage"`);
    expect((await employee.client.get(`/admin/applications/${other.applicationId}`)).status).toBe(404);
    expect((await employee.client.post(`/admin/applications/${other.applicationId}/notes`, { body: 'x' })).status).toBe(404);
    expect((await employee.client.post(`/admin/applications/${a.applicationId}/stage`, { stage: 'hired' })).status).toBe(403);
    expect((await employee.client.post(`/admin/applications/${a.applicationId}/assign`, { email: employee.user.email })).status).toBe(403);
    expect((await employee.client.get('/admin/applications/insights')).status).toBe(403);
    // Their assignment is linked from the opportunities page.
    expect((await employee.client.get('/opportunities')).body).toContain(O.list.assigned.replace('{count}', '1'));
  });

  it('the assigned community manager: likewise only theirs', async () => {
    const list = await cm.client.get('/admin/applications');
    expect(list.body).toContain(other.user.name);
    expect(list.body).not.toContain(a.user.name);
    expect((await cm.client.get(`/admin/applications/${other.applicationId}`)).status).toBe(200);
    expect((await cm.client.get(`/admin/applications/${a.applicationId}`)).status).toBe(404);
    expect((await cm.client.get('/admin/applications/insights')).status).toBe(403);
  });

  it('staff with nothing assigned: an empty pipeline, every application 404', async () => {
    const list = await stranger.get('/admin/applications');
    expect(list.status).toBe(200);
    expect(list.body).not.toContain(a.user.name);
    expect(list.body).not.toContain(other.user.name);
    for (const id of [a.applicationId, other.applicationId, randomUUID()]) expect((await stranger.get(`/admin/applications/${id}`)).status).toBe(404);
  });

  it('operators: everything, 再雇用可否 included, each view audited', async () => {
    const list = await operator.get('/admin/applications');
    expect(list.body).toContain(a.user.name);
    expect(list.body).toContain(other.user.name);
    const count = async () =>
      (await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'application.rehire_eligibility_viewed'), eq(auditEvents.subjectId, a.applicationId)))).length;
    const before = await count();
    const page = await operator.get(`/admin/applications/${a.applicationId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(O.detail.rehire);
    expect(page.body).toContain(O.detail.rehireValues.no);
    expect(page.body).toContain(INTERNAL);
    expect(page.body).toContain(MESSAGE);
    await operator.get(`/admin/applications/${a.applicationId}`);
    expect(await count()).toBe(before + 2);
    // Someone not on the roster: said so.
    const loose = await applicant({ roster: null });
    expect((await operator.get(`/admin/applications/${loose.applicationId}`)).body).toContain(O.detail.rehireValues.none);
    expect((await operator.get('/admin/applications/insights')).status).toBe(200);
  });
});

// ---------------------------------------------------------------- stages, messages, mail

describe('stages', () => {
  it('records each change (history, audit) and tells the applicant in their language, in plain words', async () => {
    const a = await applicant({ locale: 'en' });
    const res = await operator.post(`/admin/applications/${a.applicationId}/stage`, { stage: 'not_this_time', message: 'Thank you for your time.' });
    expect(res.status).toBe(303);
    expect(await stageOf(a.applicationId)).toBe('not_this_time');
    const history = await t.db.select().from(caseHistory).where(and(eq(caseHistory.caseKind, 'application'), eq(caseHistory.caseId, a.applicationId)));
    expect(history.map((h) => `${h.fromState}→${h.toState}`)).toEqual(['null→received', 'received→not_this_time']);
    expect(history[1]!.actorId).toBe(operatorUser.id);
    const [entry] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'application.stage_changed'), eq(auditEvents.subjectId, a.applicationId)));
    expect(entry!.details).toMatchObject({ from: 'received', to: 'not_this_time' });
    const mail = await t.lastMail(a.user.email, 'applicationUpdated');
    expect(mail.locale).toBe('en');
    expect(mail.text).toContain(en.opportunities.applicantStages.not_this_time);
    expect(mail.text).toContain('Thank you for your time.');
    expect(mail.text).not.toMatch(/reject/i);
    const page = await a.client.get(`/applications/${a.applicationId}`);
    expect(page.body).toContain(en.opportunities.applicantStages.not_this_time);
    expect(page.body).not.toMatch(/reject/i);
    // Finished: the form is gone and a late change is refused.
    expect((await operator.get(`/admin/applications/${a.applicationId}`)).body).toContain(O.detail.final.replace('{stage}', O.stages.not_this_time));
    const late = await operator.post(`/admin/applications/${a.applicationId}/stage`, { stage: 'offer' });
    expect(late.status).toBe(409);
    expect(late.body).toContain(O.detail.final.replace('{stage}', O.stages.not_this_time));
    expect(await stageOf(a.applicationId)).toBe('not_this_time');
  });

  it('sends a message without a stage change; refuses an empty change and bad input with 422, input kept', async () => {
    const a = await applicant();
    const same = await operator.post(`/admin/applications/${a.applicationId}/stage`, { stage: 'received', message: '' });
    expect(same.status).toBe(422);
    expect(same.body).toContain(O.detail.unchanged);
    const bad = await operator.post(`/admin/applications/${a.applicationId}/stage`, { stage: 'promoted', message: '残す文章', startsOn: '2026-13-40' });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain(O.errors.stage);
    expect(bad.body).toContain(O.errors.startsOn);
    expect(bad.body).toContain('残す文章');
    expect((await operator.post(`/admin/applications/${a.applicationId}/stage`, { stage: 'received', message: '書類を拝見しています。' })).status).toBe(303);
    expect(await stageOf(a.applicationId)).toBe('received');
    expect((await a.client.get(`/applications/${a.applicationId}`)).body).toContain('書類を拝見しています。');
    const mails = await t.mails({ to: a.user.email, template: 'applicationUpdated' });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('書類を拝見しています。');
  });

  it('an internal note needs words (422) and stays internal', async () => {
    const a = await applicant();
    const res = await operator.post(`/admin/applications/${a.applicationId}/notes`, { body: '   ' });
    expect(res.status).toBe(422);
    expect(res.body).toContain(O.errors.noteRequired);
    await operator.post(`/admin/applications/${a.applicationId}/notes`, { body: '給与レンジの確認が必要' });
    expect((await a.client.get(`/applications/${a.applicationId}`)).body).not.toContain('給与レンジの確認が必要');
    expect(await t.mails({ to: a.user.email, template: 'applicationUpdated' })).toHaveLength(0);
  });
});

// ---------------------------------------------------------------- assigning

describe('assigning', () => {
  it('assigns staff by e-mail (mailed, audited), refuses unknown people, alumni and anyone blocked either way', async () => {
    const a = await applicant();
    const staff = await t.createUser('employee', { name: `担当 ${unique()}` });
    const res = await operator.post(`/admin/applications/${a.applicationId}/assign`, { email: staff.email.toUpperCase() });
    expect(res.status).toBe(303);
    const [row] = await t.db.select().from(applications).where(eq(applications.id, a.applicationId));
    expect(row!.assigneeId).toBe(staff.id);
    const mail = await t.lastMail(staff.email, 'applicationAssigned');
    expect(mail.text).toContain(`/admin/applications/${a.applicationId}`);
    expect((await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, 'application.assigned'), eq(auditEvents.subjectId, a.applicationId))))[0]!.details).toMatchObject({ to: staff.id });

    const alum = await t.createUser('alumnus');
    const blocked = await t.createUser('employee');
    const blocker = await t.createUser('employee');
    await t.db.insert(memberBlocks).values([
      { blockerId: a.user.id, blockedId: blocked.id },
      { blockerId: blocker.id, blockedId: a.user.id },
    ]);
    for (const email of ['nobody@example.com', alum.email, blocked.email, blocker.email, 'not-an-address']) {
      const refused = await operator.post(`/admin/applications/${a.applicationId}/assign`, { email });
      expect(refused.status, email).toBe(422);
      expect(refused.body).toContain(email === 'not-an-address' ? O.errors.assigneeEmail : O.errors.assigneeUnknown);
    }
    expect((await t.db.select().from(applications).where(eq(applications.id, a.applicationId)))[0]!.assigneeId).toBe(staff.id);
    expect((await operator.post(`/admin/applications/${a.applicationId}/assign`, { email: '' })).status).toBe(303);
    expect((await t.db.select().from(applications).where(eq(applications.id, a.applicationId)))[0]!.assigneeId).toBeNull();
  });
});

// ---------------------------------------------------------------- hired → rehired

describe('hired', () => {
  it('a returner hired: the roster entry becomes rehired from the first day, the account an employee', async () => {
    const a = await applicant({ opportunityId: null });
    for (const stage of ['casual_talk', 'interviews', 'offer'] as const) expect((await operator.post(`/admin/applications/${a.applicationId}/stage`, { stage })).status).toBe(303);
    const res = await operator.post(`/admin/applications/${a.applicationId}/stage`, { stage: 'hired', startsOn: '2026-04-01', message: 'おかえりなさい!' });
    expect(res.status).toBe(303);
    expect((await operator.get(`/admin/applications/${a.applicationId}`)).body).toContain(O.detail.rehiredDone);
    const [entry] = await t.db.select().from(rosterEntries).where(eq(rosterEntries.userId, a.user.id));
    expect(entry!.rehiredOn).toBe('2026-04-01');
    expect((await t.db.select().from(employmentEvents).where(eq(employmentEvents.rosterEntryId, entry!.id))).map((e) => `${e.kind}:${e.on}`)).toEqual(['rehired:2026-04-01']);
    expect((await t.db.select({ role: users.role }).from(users).where(eq(users.id, a.user.id)))[0]!.role).toBe('employee');
    const history = await t.db.select().from(caseHistory).where(and(eq(caseHistory.caseKind, 'application'), eq(caseHistory.caseId, a.applicationId)));
    expect(history.map((h) => h.toState)).toEqual(['received', 'casual_talk', 'interviews', 'offer', 'hired']);
    // Now an employee, they still see their own application.
    const page = await a.client.get(`/applications/${a.applicationId}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(O.applicantStages.hired);
    expect(page.body).toContain('おかえりなさい!');
  });

  it('a full-time hire without a roster entry is recorded, and the page says HR must add them', async () => {
    const a = await applicant({ roster: null });
    const res = await operator.post(`/admin/applications/${a.applicationId}/stage`, { stage: 'hired' });
    expect(res.status).toBe(303);
    expect(await stageOf(a.applicationId)).toBe('hired');
    expect((await operator.get(`/admin/applications/${a.applicationId}`)).body).toContain(O.detail.noRoster);
    expect((await t.db.select({ role: users.role }).from(users).where(eq(users.id, a.user.id)))[0]!.role).toBe('alumnus');
  });

  it('a project hire leaves the membership as it is', async () => {
    const a = await applicant({ opportunityId: await opportunity('project') });
    await operator.post(`/admin/applications/${a.applicationId}/stage`, { stage: 'hired' });
    expect(await stageOf(a.applicationId)).toBe('hired');
    const [entry] = await t.db.select().from(rosterEntries).where(eq(rosterEntries.userId, a.user.id));
    expect(entry!.rehiredOn).toBeNull();
    expect((await t.db.select({ role: users.role }).from(users).where(eq(users.id, a.user.id)))[0]!.role).toBe('alumnus');
  });
});

// ---------------------------------------------------------------- insights

describe('return insights', () => {
  it('counts reasons, stages and time in stage exactly, and shows no one’s answers', async () => {
    const local = await createTestApp({ setup: true });
    try {
      const op = (await local.signedIn('operator')).user;
      const actor: Actor = { id: op.id, name: op.name, email: op.email, role: 'operator', isManager: false, status: 'active', twoFactorEnabled: true, locale: null, sessionId: 's' };
      const people = await Promise.all([1, 2, 3, 4].map(() => local.createUser('alumnus')));
      const day = 86_400_000;
      const now = new Date('2026-06-30T00:00:00Z');
      const at = (d: number) => new Date(now.getTime() - d * day);
      const rows: { reasons: string[]; stage: PipelineStage; kind: 'return' | 'opportunity'; path: [PipelineStage, number][] }[] = [
        // received 10 days ago, casual talk 6 days ago (4 days received), still there (6 days).
        { reasons: ['growth', 'people'], stage: 'casual_talk', kind: 'return', path: [['received', 10], ['casual_talk', 6]] },
        // received 8 days ago, not this time 2 days ago (6 days received).
        { reasons: ['people'], stage: 'not_this_time', kind: 'return', path: [['received', 8], ['not_this_time', 2]] },
        // received 3 days ago, still there (3 days).
        { reasons: ['people', 'flexibility'], stage: 'received', kind: 'return', path: [['received', 3]] },
        // An application to an opportunity, no reasons: received 5 days ago, still there.
        { reasons: [], stage: 'received', kind: 'opportunity', path: [['received', 5]] },
      ];
      for (const [i, r] of rows.entries()) {
        const [app] = await local.db
          .insert(applications)
          .values({ applicantId: people[i]!.id, kind: r.kind, reasons: r.reasons as never, stage: r.stage, whatChanged: `個別の回答 ${i}` })
          .returning();
        let from: string | null = null;
        for (const [stage, daysAgo] of r.path) {
          await local.db.insert(caseHistory).values({ caseKind: 'application', caseId: app!.id, fromState: from, toState: stage, at: at(daysAgo) });
          from = stage;
        }
      }
      const all = await insights(local.db, actor, undefined, now);
      expect(Object.fromEntries(all.reasons.counts)).toEqual({ growth: 1, people: 3, flexibility: 1 });
      expect(all.reasons.answered).toBe(3);
      expect(Object.fromEntries(all.stages)).toEqual({ casual_talk: 1, not_this_time: 1, received: 2 });
      const times = Object.fromEntries(all.times.map((x) => [x.stage, x]));
      // received: 4 + 6 + 3 + 5 days over four stays, two still there.
      expect(times.received).toMatchObject({ stays: 4, current: 2 });
      expect(times.received!.averageDays).toBeCloseTo(4.5, 5);
      expect(times.casual_talk).toMatchObject({ stays: 1, current: 1 });
      expect(times.casual_talk!.averageDays).toBeCloseTo(6, 5);
      const returns = await insights(local.db, actor, 'return', now);
      expect(Object.fromEntries(returns.stages)).toEqual({ casual_talk: 1, not_this_time: 1, received: 1 });
      expect(Object.fromEntries(returns.times.map((x) => [x.stage, x.stays]))).toEqual({ received: 3, casual_talk: 1 });

      const opClient = (await local.signedIn('operator')).client;
      const page = await opClient.get('/admin/applications/insights?kind=return');
      expect(page.status).toBe(200);
      expect(page.body).toContain(O.insights.reasonsIntro.replace('{answered}', '3'));
      expect(page.body).toMatch(new RegExp(`${O.reasons.people}</th>\\s*<td class="num">3</td>`));
      expect(page.body).not.toContain('個別の回答');
      for (const person of people) expect(page.body).not.toContain(person.name);
    } finally {
      await local.close();
    }
  });
});
