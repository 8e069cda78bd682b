/**
 * Referrals through HTTP: who may refer to which posting (audience, state, closing, by URL),
 * the required agreement and the form's other checks, attribution, the rate limit, what the
 * referrer sees (plain words, never notes or other referrals), every role on the pipeline (an
 * employee only what is assigned to them, by list and by URL), audits, mail, and rewards earned
 * by a referral end to end (once per hire, however often the stage moves).
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp, type TestUser } from '../../../test/app.ts';
import { auditEvents, caseHistory, opportunities, referrals, rewardRules, rewards, segments, type OpportunityAudience } from '../../db/schema.ts';
import { messages } from '../../shared/i18n/index.ts';
import { REFERRAL_LIMIT } from './referrals.service.ts';

const ja = messages('ja');
const R = ja.referrals;

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

async function posting(fields: Partial<typeof opportunities.$inferInsert> = {}): Promise<string> {
  const [row] = await t.db
    .insert(opportunities)
    .values({ kind: 'full_time', title: `営業職 ${unique()}`, description: '説明', audience: 'alumni_employees', state: 'open', publishedAt: new Date(), ...fields })
    .returning({ id: opportunities.id });
  return row!.id;
}

async function member(role: 'alumnus' | 'employee', opts: { locale?: 'ja' | 'en'; isManager?: boolean } = {}): Promise<{ user: TestUser; client: Client }> {
  const user = await t.createUser(role, { name: `会員 ${unique()}`, locale: opts.locale ?? null, isManager: opts.isManager ?? false });
  return { user, client: await t.newSession(user) };
}

function form(fields: Record<string, string> = {}): Record<string, string> {
  return { candidateName: `候補 太郎 ${unique()}`, candidateEmail: `candidate-${unique()}@example.com`, candidatePhone: '', note: '', agreed: '1', ...fields };
}

/** Refers through the form; returns the new referral's id. */
async function refer(client: Client, opportunityId: string, fields: Record<string, string> = {}): Promise<string> {
  const values = form(fields);
  const res = await client.post(`/opportunities/${opportunityId}/refer`, values);
  expect(res.status, res.body.slice(0, 1500)).toBe(303);
  const id = /#referral-([0-9a-f-]{36})$/.exec(res.location ?? '')?.[1];
  expect(id).toBeTruthy();
  return id!;
}

async function referralRow(id: string) {
  const [row] = await t.db.select().from(referrals).where(eq(referrals.id, id));
  return row!;
}

async function move(client: Client, id: string, stage: string) {
  return client.post(`/admin/referrals/${id}/stage`, { stage });
}

// ---------------------------------------------------------------- who may refer to what

describe('the referral form: postings within the referrer’s audience only', () => {
  it('answers by audience × viewer, and 404 for drafts, closed postings, closed referrals, past closing, unknown and garbage ids', async () => {
    const [segment] = await t.db.insert(segments).values({ name: '英語のアルムナイ', filter: { roles: ['alumnus'], languages: ['en'] } }).returning();
    const ids: Record<OpportunityAudience, string> = {
      alumni: await posting({ audience: 'alumni' }),
      alumni_employees: await posting({ audience: 'alumni_employees' }),
      segment: await posting({ audience: 'segment', segmentId: segment!.id }),
    };
    const viewers = {
      alumnus: (await t.signedIn('alumnus')).client,
      employee: (await t.signedIn('employee')).client,
      manager: (await t.signedIn('manager')).client,
      community_manager: (await t.signedIn('community_manager')).client,
      operator,
      'segment member': (await member('alumnus', { locale: 'en' })).client,
    };
    const SEES: Record<OpportunityAudience, (keyof typeof viewers)[]> = {
      alumni: ['alumnus', 'operator', 'segment member'],
      alumni_employees: ['alumnus', 'employee', 'manager', 'community_manager', 'operator', 'segment member'],
      segment: ['operator', 'segment member'],
    };
    const got: string[] = [];
    const expected: string[] = [];
    for (const [audience, id] of Object.entries(ids) as [OpportunityAudience, string][]) {
      for (const [name, client] of Object.entries(viewers) as [keyof typeof viewers, Client][]) {
        const res = await client.get(`/opportunities/${id}/refer`);
        got.push(`${audience} × ${name}: ${res.status}`);
        expected.push(`${audience} × ${name}: ${SEES[audience].includes(name) ? 200 : 404}`);
        // Refusing by POST too, whatever is sent.
        if (!SEES[audience].includes(name)) expect((await client.post(`/opportunities/${id}/refer`, form())).status).toBe(404);
      }
    }
    expect(got).toEqual(expected);

    const hidden = [
      await posting({ state: 'draft' }),
      await posting({ state: 'closed' }),
      await posting({ referralsOpen: false }),
      await posting({ closesAt: new Date(Date.now() - 60_000) }),
      randomUUID(),
    ];
    for (const id of hidden) {
      for (const client of [viewers.alumnus, operator]) expect((await client.get(`/opportunities/${id}/refer`)).status, id).toBe(404);
    }
    expect((await viewers.alumnus.get('/opportunities/not-a-uuid/refer')).status).toBe(404);
    expect((await viewers.alumnus.post("/opportunities/1'%20or%201=1/refer", form())).status).toBe(404);
    expect((await t.client().get(`/opportunities/${ids.alumni}/refer`)).status).toBe(303);
  });
});

describe('referring', () => {
  it('requires the candidate’s agreement: 422 with the input kept and the error next to the box', async () => {
    const id = await posting();
    const { client, user } = await member('alumnus');
    const values = form({ candidateName: '山田 花子', candidateEmail: 'hanako@example.com', candidatePhone: '03-1234-5678', note: '前職で一緒でした' });
    delete values.agreed;
    const res = await client.post(`/opportunities/${id}/refer`, values);
    expect(res.status).toBe(422);
    expect(res.body).toContain(R.errors.agreed);
    expect(res.body).toContain('value="山田 花子"');
    expect(res.body).toContain('value="hanako@example.com"');
    expect(res.body).toContain('前職で一緒でした');
    expect(res.body).toContain('aria-invalid="true"');
    expect(await t.db.select().from(referrals).where(eq(referrals.referrerId, user.id))).toHaveLength(0);
    // Any other value than the box's own is not agreement either.
    expect((await client.post(`/opportunities/${id}/refer`, { ...values, agreed: 'yes' })).status).toBe(422);
  });

  it('checks name, address, phone and note in the user’s language, never a 500', async () => {
    const id = await posting();
    const { client } = await member('alumnus', { locale: 'en' });
    const en = messages('en').referrals.errors;
    const cases: [Record<string, string>, string][] = [
      [{ candidateName: '   ' }, en.nameRequired],
      [{ candidateEmail: '' }, en.emailRequired],
      [{ candidateEmail: 'not an address' }, en.email],
      [{ candidatePhone: 'call me' }, en.phone],
      [{ candidateName: 'x'.repeat(101) }, 'Keep this to 100 characters.'],
      [{ note: 'あ'.repeat(2001) }, 'Keep this to 2000 characters.'],
      [{ candidateName: '\u0000' }, en.nameRequired],
    ];
    for (const [fields, error] of cases) {
      const res = await client.post(`/opportunities/${id}/refer`, form(fields));
      expect(res.status, JSON.stringify(fields)).toBe(422);
      expect(res.body).toContain(error);
    }
  });

  it('stores the referral with the agreement time, its history, its source (from a newsletter link) and a folded phone number', async () => {
    const id = await posting();
    const { client, user } = await member('alumnus');
    const newsletter = randomUUID();
    const page = await client.get(`/opportunities/${id}/refer?src=newsletter:${newsletter}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(`name="src" value="newsletter:${newsletter}"`);
    const before = Date.now();
    const referralId = await refer(client, id, { src: `newsletter:${newsletter}`, candidatePhone: '０３-１２３４-５６７８', candidateEmail: ' Taro@Example.com ' });
    const row = await referralRow(referralId);
    expect(row).toMatchObject({ referrerId: user.id, opportunityId: id, stage: 'received', source: `newsletter:${newsletter}`, candidatePhone: '03-1234-5678', candidateEmail: 'Taro@Example.com' });
    expect(row.candidateAgreedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const history = await t.db.select().from(caseHistory).where(and(eq(caseHistory.caseKind, 'referral'), eq(caseHistory.caseId, referralId)));
    expect(history.map((h) => [h.fromState, h.toState, h.actorId])).toEqual([[null, 'received', user.id]]);
    // A forged source is dropped, not stored.
    const other = await refer(client, id, { src: 'javascript:alert(1)' });
    expect((await referralRow(other)).source).toBeNull();
    // The same person again for the same posting, while open: refused, kindly.
    const dup = await client.post(`/opportunities/${id}/refer`, form({ candidateEmail: 'taro@example.com' }));
    expect(dup.status).toBe(422);
    expect(dup.body).toContain(R.errors.duplicate);
  });

  it(`allows ${REFERRAL_LIMIT.max} referrals a day per member, then 429`, async () => {
    const id = await posting();
    const { client, user } = await member('employee');
    for (let i = 0; i < REFERRAL_LIMIT.max; i++) await refer(client, id);
    const res = await client.post(`/opportunities/${id}/refer`, form());
    expect(res.status).toBe(429);
    expect(await t.db.select().from(referrals).where(eq(referrals.referrerId, user.id))).toHaveLength(REFERRAL_LIMIT.max);
  });
});

// ---------------------------------------------------------------- what the referrer sees

describe('the referrer’s page', () => {
  it('shows their own referrals in plain words, never another member’s candidates nor internal notes', async () => {
    const id = await posting();
    const a = await member('alumnus');
    const b = await member('alumnus');
    const mine = await refer(a.client, id, { candidateName: '自分の候補 一郎' });
    await refer(b.client, id, { candidateName: '他人の候補 二郎' });
    expect((await operator.post(`/admin/referrals/${mine}/notes`, { body: '社内だけのメモ：年収の希望が高い' })).status).toBe(303);
    await move(operator, mine, 'interviews');

    const page = await a.client.get('/referrals');
    expect(page.status).toBe(200);
    expect(page.body).toContain('自分の候補 一郎');
    expect(page.body).toContain(R.statuses.in_progress);
    expect(page.body).not.toContain(R.stages.interviews);
    expect(page.body).not.toContain('他人の候補 二郎');
    expect(page.body).not.toContain('社内だけのメモ');

    await move(operator, mine, 'not_this_time');
    const after = await a.client.get('/referrals');
    expect(after.body).toContain(R.statuses.not_this_time);
    expect(after.body).not.toMatch(/不採用|rejected/i);
    // The English page says it as respectfully.
    const en = await member('alumnus', { locale: 'en' });
    const enId = await refer(en.client, id);
    await move(operator, enId, 'not_this_time');
    const enPage = await en.client.get('/referrals');
    expect(enPage.body).toContain('Not this time');
    expect(enPage.body).not.toMatch(/reject/i);
  });

  it('tells the referrer by mail, in their language, only when what they see changes', async () => {
    const id = await posting({ title: 'データエンジニア' });
    const { client, user } = await member('alumnus', { locale: 'en' });
    const referralId = await refer(client, id, { candidateName: 'Jiro Sato' });
    const count = async () => (await t.mails({ to: user.email, template: 'referralStatus' })).length;
    expect(await count()).toBe(0);
    await move(operator, referralId, 'casual_talk');
    expect(await count()).toBe(1);
    await move(operator, referralId, 'interviews');
    await move(operator, referralId, 'offer');
    expect(await count()).toBe(1);
    await move(operator, referralId, 'hired');
    const mails = await t.mails({ to: user.email, template: 'referralStatus' });
    expect(mails).toHaveLength(2);
    expect(mails[1]!.locale).toBe('en');
    expect(mails[1]!.subject).toContain('Jiro Sato');
    expect(mails[1]!.text).toContain('Joined us');
    expect(mails[1]!.text).toContain('データエンジニア');
    expect(mails[1]!.text).toContain(`/referrals#referral-${referralId}`);
  });
});

// ---------------------------------------------------------------- the pipeline, every role

describe('the pipeline: operators see every referral; other staff only those assigned to them', () => {
  let referralId: string;
  let candidate: string;
  let employee: { user: TestUser; client: Client };

  beforeAll(async () => {
    const id = await posting();
    candidate = `パイプライン 候補 ${unique()}`;
    referralId = await refer((await member('alumnus')).client, id, { candidateName: candidate, candidateEmail: 'pipeline@example.com', candidatePhone: '090-0000-1111' });
    employee = await member('employee');
  });

  it('answers every role on every page, by list and by URL, before assignment', async () => {
    const viewers = {
      alumnus: (await t.signedIn('alumnus')).client,
      employee: employee.client,
      manager: (await t.signedIn('manager')).client,
      community_manager: (await t.signedIn('community_manager')).client,
    };
    const opPage = await operator.get(`/admin/referrals/${referralId}`);
    expect(opPage.status).toBe(200);
    expect(opPage.body).toContain('pipeline@example.com');
    expect(opPage.body).toContain('090-0000-1111');
    expect((await operator.get('/admin/referrals')).body).toContain(candidate);

    expect((await viewers.alumnus.get('/admin/referrals')).status).toBe(403);
    expect((await viewers.alumnus.get(`/admin/referrals/${referralId}`)).status).toBe(403);
    expect((await viewers.alumnus.post(`/admin/referrals/${referralId}/stage`, { stage: 'hired' })).status).toBe(403);
    for (const [name, client] of Object.entries(viewers).filter(([n]) => n !== 'alumnus')) {
      const list = await client.get('/admin/referrals?stage=all');
      expect(list.status, name).toBe(200);
      expect(list.body, name).not.toContain(candidate);
      expect((await client.get(`/admin/referrals/${referralId}`)).status, name).toBe(404);
      expect((await client.post(`/admin/referrals/${referralId}/stage`, { stage: 'hired' })).status, name).toBe(404);
      expect((await client.post(`/admin/referrals/${referralId}/notes`, { body: 'x' })).status, name).toBe(404);
      // Only operators assign.
      expect((await client.post(`/admin/referrals/${referralId}/assign`, { assignee: employee.user.email })).status, name).toBe(403);
    }
    expect((await referralRow(referralId)).stage).toBe('received');
  });

  it('lets the assigned employee see, move and annotate it (audited), and nothing else', async () => {
    const res = await operator.post(`/admin/referrals/${referralId}/assign`, { assignee: employee.user.email.toUpperCase() });
    expect(res.status).toBe(303);
    expect((await referralRow(referralId)).assigneeId).toBe(employee.user.id);
    const assignedMail = await t.lastMail(employee.user.email, 'referralAssigned');
    expect(assignedMail.text).toContain(`/admin/referrals/${referralId}`);
    expect(assignedMail.text).not.toContain(candidate);

    const list = await employee.client.get('/admin/referrals');
    expect(list.body).toContain(candidate);
    const own = await employee.client.get('/referrals');
    expect(own.body).toContain('/admin/referrals');
    const detail = await employee.client.get(`/admin/referrals/${referralId}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toContain('pipeline@example.com');
    // The assignee does not get the operators' assignment form.
    expect(detail.body).not.toContain(`action="/admin/referrals/${referralId}/assign"`);

    expect((await move(employee.client, referralId, 'casual_talk')).status).toBe(303);
    expect((await employee.client.post(`/admin/referrals/${referralId}/notes`, { body: '**面談**は来週' })).status).toBe(303);
    const after = await employee.client.get(`/admin/referrals/${referralId}`);
    expect(after.body).toContain('<strong>面談</strong>は来週');
    expect(after.body).toContain(R.stages.casual_talk);

    // Another employee still sees nothing of it.
    const other = await member('employee');
    expect((await other.client.get(`/admin/referrals/${referralId}`)).status).toBe(404);
    expect((await other.client.get('/admin/referrals?stage=all')).body).not.toContain(candidate);

    const actions = await t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, referralId));
    const byAction = (a: string) => actions.filter((e) => e.action === a);
    expect(byAction('referral.assigned')).toHaveLength(1);
    expect(byAction('referral.stage_changed').map((e) => [e.actorId, e.details])).toEqual([[employee.user.id, { from: 'received', to: 'casual_talk' }]]);
    // Every view of the candidate's details by staff is on record.
    expect(byAction('personal_data.viewed').map((e) => e.actorId)).toEqual(expect.arrayContaining([operatorUser.id, employee.user.id]));

    // Unassigning takes it away again.
    expect((await operator.post(`/admin/referrals/${referralId}/assign`, { assignee: '' })).status).toBe(303);
    expect((await employee.client.get(`/admin/referrals/${referralId}`)).status).toBe(404);
  });

  it('keeps bad input on the case page as 422s: unknown stage, unknown or non-staff assignee, empty note', async () => {
    const stage = await operator.post(`/admin/referrals/${referralId}/stage`, { stage: 'teleported' });
    expect(stage.status).toBe(422);
    expect(stage.body).toContain(R.errors.stage);
    const alumnus = (await t.signedIn('alumnus')).user;
    for (const assignee of ['nobody@example.com', alumnus.email, 'not-an-address']) {
      const res = await operator.post(`/admin/referrals/${referralId}/assign`, { assignee });
      expect(res.status, assignee).toBe(422);
      expect(res.body).toContain(`value="${assignee}"`);
    }
    const note = await operator.post(`/admin/referrals/${referralId}/notes`, { body: '   ' });
    expect(note.status).toBe(422);
    expect(note.body).toContain(R.errors.noteRequired);
  });

  it('filters by stage and shows how long each case has waited', async () => {
    await t.db.update(referrals).set({ stageChangedAt: new Date(Date.now() - 3 * 86_400_000 - 60_000) }).where(eq(referrals.id, referralId));
    const page = await operator.get('/admin/referrals?stage=casual_talk');
    expect(page.body).toContain(candidate);
    expect(page.body).toContain('3日');
    expect((await operator.get('/admin/referrals?stage=hired')).body).not.toContain(candidate);
    expect((await operator.get('/admin/referrals?stage=nonsense&page=-4')).status).toBe(200);
  });
});

// ---------------------------------------------------------------- rewards earned by referrals

describe('rewards earned by a referral', () => {
  it('earns the submission reward, and the hire reward once however often the stage moves (end to end through the pages)', async () => {
    // The operator defines what referrals earn.
    expect((await operator.post('/admin/rewards/rules/referral_submitted', { 'kind-referral_submitted': 'points', 'amount-referral_submitted': '100', 'description-referral_submitted': 'ご紹介のお礼' })).status).toBe(303);
    expect((await operator.post('/admin/rewards/rules/referral_hired', { 'kind-referral_hired': 'amount', 'amount-referral_hired': '50,000', 'description-referral_hired': '入社お祝い金' })).status).toBe(303);

    const id = await posting({ title: 'プロダクトマネージャー' });
    const { client, user } = await member('alumnus');
    const referralId = await refer(client, id, { candidateName: '報酬 三郎' });
    const earned = () => t.db.select().from(rewards).where(eq(rewards.userId, user.id));
    expect((await earned()).map((r) => [r.trigger, r.kind, r.amount, r.state, r.caseId])).toEqual([['referral_submitted', 'points', 100, 'pending', referralId]]);

    expect((await move(operator, referralId, 'hired')).status).toBe(303);
    expect((await move(operator, referralId, 'hired')).status).toBe(303);
    await move(operator, referralId, 'offer');
    await move(operator, referralId, 'hired');
    const all = await earned();
    expect(all.filter((r) => r.trigger === 'referral_hired').map((r) => [r.kind, r.amount, r.description])).toEqual([['amount', 50000, '入社お祝い金']]);
    expect(all).toHaveLength(2);

    // The first hire mail says a reward was added; the member's ledger shows both, with what they were for.
    const hiredMails = (await t.mails({ to: user.email, template: 'referralStatus' })).filter((m) => m.text.includes(R.statuses.hired));
    expect(hiredMails[0]!.text).toContain('/rewards');
    const ledger = await client.get('/rewards');
    expect(ledger.status).toBe(200);
    expect(ledger.body).toContain('100 ポイント');
    expect(ledger.body).toContain('50,000 円');
    expect(ledger.body).toContain(`/referrals#referral-${referralId}`);
    expect(ledger.body).toContain('報酬 三郎さん（プロダクトマネージャー）');
  });

  it('earns nothing for a trigger without an active rule', async () => {
    expect((await operator.post('/admin/rewards/rules/referral_submitted/stop')).status).toBe(303);
    const { client, user } = await member('alumnus');
    await refer(client, await posting());
    expect(await t.db.select().from(rewards).where(eq(rewards.userId, user.id))).toHaveLength(0);
    expect(await t.db.select().from(rewardRules).where(and(eq(rewardRules.trigger, 'referral_submitted'), eq(rewardRules.active, true)))).toHaveLength(0);
  });
});

// ---------------------------------------------------------------- every route of referrals and rewards × every role

describe('every referral and reward route × every role, with unknown ids and empty forms', () => {
  it('answers 200/303/404 to whom it admits and 403 (401/303 signed out) to the others, never a 500', async () => {
    const STAFF = ['employee', 'manager', 'community_manager', 'operator'];
    const ALL = ['alumnus', ...STAFF];
    const routes: [string, string, string[]][] = [
      ['GET', '/opportunities/:id/refer', ALL],
      ['POST', '/opportunities/:id/refer', ALL],
      ['GET', '/referrals', ALL],
      ['GET', '/admin/referrals', STAFF],
      ['GET', '/admin/referrals/:id', STAFF],
      ['POST', '/admin/referrals/:id/stage', STAFF],
      ['POST', '/admin/referrals/:id/assign', ['operator']],
      ['POST', '/admin/referrals/:id/notes', STAFF],
      ['GET', '/rewards', ALL],
      ['GET', '/admin/rewards', ['operator']],
      ['POST', '/admin/rewards/rules/:trigger', ['operator']],
      ['POST', '/admin/rewards/rules/:trigger/stop', ['operator']],
      ['POST', '/admin/rewards/:id/approve', ['operator']],
      ['POST', '/admin/rewards/:id/pay', ['operator']],
      ['POST', '/admin/rewards/:id/cancel', ['operator']],
    ];
    const viewers: [string, Client][] = [['anonymous', t.client()]];
    for (const kind of ['alumnus', 'employee', 'manager', 'community_manager', 'operator'] as const) viewers.push([kind, (await t.signedIn(kind)).client]);
    const failures: string[] = [];
    for (const [method, pattern, admitted] of routes) {
      for (const [name, client] of viewers) {
        for (const id of [randomUUID(), 'garbage']) {
          const url = pattern.replace(/:\w+/g, id);
          const res = method === 'GET' ? await client.get(url) : await client.post(url, {});
          const ok =
            name === 'anonymous'
              ? res.status === (method === 'GET' ? 303 : 401)
              : admitted.includes(name)
                ? [200, 303, 404].includes(res.status) && (!pattern.includes(':') || res.status === 404)
                : res.status === 403;
          if (!ok) failures.push(`${method} ${url} as ${name} → ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

// ---------------------------------------------------------------- two clicks at once

describe('concurrent stage changes', () => {
  it('two staff moving one referral to hired at the same moment record one change and earn one reward', async () => {
    expect((await operator.post('/admin/rewards/rules/referral_hired', { 'kind-referral_hired': 'points', 'amount-referral_hired': '500', 'description-referral_hired': '入社のお礼' })).status).toBe(303);
    const second = await t.newSession(await t.createUser('operator', { twoFactor: true }));
    const { client, user } = await member('alumnus');
    const id = await refer(client, await posting());
    await move(operator, id, 'offer');
    const results = await Promise.all([move(operator, id, 'hired'), move(second, id, 'hired'), move(operator, id, 'hired')]);
    expect(results.map((r) => r.status)).toEqual([303, 303, 303]);
    const toHired = await t.db.select().from(caseHistory).where(and(eq(caseHistory.caseId, id), eq(caseHistory.toState, 'hired')));
    expect(toHired).toHaveLength(1);
    const audits = await t.db.select().from(auditEvents).where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, 'referral.stage_changed')));
    expect(audits).toHaveLength(2);
    expect(await t.db.select().from(rewards).where(and(eq(rewards.userId, user.id), eq(rewards.trigger, 'referral_hired')))).toHaveLength(1);
    expect((await t.mails({ to: user.email, template: 'referralStatus' })).filter((m) => m.text.includes(R.statuses.hired))).toHaveLength(1);
  });
});
