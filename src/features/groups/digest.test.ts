/**
 * The group digest on a real database: daily and weekly due-ness, one mail per member across
 * their groups, nothing new → no mail (the clock still moves), re-runs send nothing more, and
 * never the member's own posts, hidden posts or authors blocked either way. Times are passed
 * in, so nothing here depends on the clock.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../../../test/app.ts';
import { groupMembers, memberBlocks } from '../../db/schema.ts';
import type { Actor } from '../../shared/http/context.ts';
import { messages } from '../../shared/i18n/index.ts';
import { enqueue } from '../../shared/jobs/queue.ts';
import { periodEnd, sendDigests } from './digest.service.ts';
import { GROUP_DIGEST_QUEUE } from './groups.jobs.ts';
import { createGroup, createThread, hidePost, join, reply, setDigest } from './groups.service.ts';

let t: TestApp;
const BASE = 'http://localhost:3000';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  t = await createTestApp({ setup: true });
});

afterAll(async () => {
  await t?.close();
});

let seq = 0;
const unique = () => `${++seq}-${Date.now().toString(36)}`;

const actorOf = (user: TestUser): Actor => ({
  id: user.id,
  name: user.name,
  email: user.email,
  role: user.role,
  isManager: user.isManager,
  status: 'active',
  twoFactorEnabled: false,
  locale: null,
  sessionId: 'test',
});

async function member(locale: 'ja' | 'en' | null = null): Promise<Actor> {
  const user = await t.createUser('alumnus', { name: `会員 ${unique()}`, locale });
  return actorOf(user);
}

/** A group started at `at` by `creator`, open. */
async function group(creator: Actor, at: Date, name = `グループ ${unique()}`): Promise<{ id: string; name: string }> {
  const id = await createGroup(t.db, creator, { name, description: null, kind: 'interest', joinRule: 'open', listed: true, wants: [] }, undefined, at);
  return { id, name };
}

async function digests(to: string) {
  return t.mails({ to, template: 'groupDigest' });
}

async function clockOf(groupId: string, userId: string): Promise<Date | null> {
  const [row] = await t.db
    .select({ at: groupMembers.lastDigestAt })
    .from(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)));
  return row?.at ?? null;
}

describe('periods', () => {
  it('end on the hour', () => {
    expect(periodEnd(new Date('2026-03-01T10:59:59.999Z')).toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });
});

describe('daily and weekly', () => {
  it('a daily member gets a digest after a day, a weekly one after a week; each period once', async () => {
    const t0 = new Date('2026-01-05T00:30:00Z');
    const creator = await member();
    const g = await group(creator, new Date(t0.getTime() - HOUR));
    const daily = await member();
    const weekly = await member('en');
    await join(t.db, daily, g.id, null, BASE, t0);
    await join(t.db, weekly, g.id, null, BASE, t0);
    await setDigest(t.db, daily, g.id, 'daily', t0);
    const title = `朝会の話 ${unique()}`;
    const threadId = await createThread(t.db, creator, g.id, { title, body: '本文' }, BASE, new Date(t0.getTime() + HOUR));

    await sendDigests(t.db, BASE, new Date(t0.getTime() + 23 * HOUR));
    expect(await digests(daily.email)).toHaveLength(0);

    await sendDigests(t.db, BASE, new Date(t0.getTime() + 25 * HOUR));
    const first = await digests(daily.email);
    expect(first).toHaveLength(1);
    expect(first[0]!.text).toContain(g.name);
    expect(first[0]!.text).toContain(`新しい話題：「${title}」`);
    expect(first[0]!.text).toContain(`${BASE}/groups/${g.id}/threads/${threadId}`);
    expect(await digests(weekly.email)).toHaveLength(0);

    // The same period again: nothing more.
    await sendDigests(t.db, BASE, new Date(t0.getTime() + 25 * HOUR + 10 * 60_000));
    expect(await digests(daily.email)).toHaveLength(1);

    await reply(t.db, creator, g.id, threadId, '追記です', BASE, new Date(t0.getTime() + 30 * HOUR));
    await sendDigests(t.db, BASE, new Date(t0.getTime() + 49 * HOUR));
    const second = await digests(daily.email);
    expect(second).toHaveLength(2);
    expect(second[1]!.text).toContain(`「${title}」に新しい返信 1 件`);
    expect(second[1]!.text).not.toContain('新しい話題');

    await sendDigests(t.db, BASE, new Date(t0.getTime() + 7 * DAY + HOUR));
    const week = await digests(weekly.email);
    expect(week).toHaveLength(1);
    expect(week[0]!.locale).toBe('en');
    expect(week[0]!.subject).toContain(messages('en').mail.groupDigest.subject.replace('[{network}] ', ''));
    expect(week[0]!.text).toContain(`New discussion: “${title}” (1 reply)`);
    // The creator wrote everything: nothing new for them, and no mail.
    expect(await digests(creator.email)).toHaveLength(0);
  });
});

describe('one mail per member', () => {
  it('covers all their groups together', async () => {
    const t0 = new Date('2026-02-02T03:10:00Z');
    const a = await member();
    const b = await member();
    const reader = await member();
    const g1 = await group(a, t0);
    const g2 = await group(b, t0);
    await join(t.db, reader, g1.id, null, BASE, t0);
    await join(t.db, reader, g2.id, null, BASE, t0);
    const title1 = `一つ目 ${unique()}`;
    const title2 = `二つ目 ${unique()}`;
    await createThread(t.db, a, g1.id, { title: title1, body: 'x' }, BASE, new Date(t0.getTime() + DAY));
    await createThread(t.db, b, g2.id, { title: title2, body: 'y' }, BASE, new Date(t0.getTime() + 2 * DAY));
    await sendDigests(t.db, BASE, new Date(t0.getTime() + 7 * DAY + HOUR));
    const mails = await digests(reader.email);
    expect(mails).toHaveLength(1);
    for (const text of [g1.name, g2.name, title1, title2]) expect(mails[0]!.text).toContain(text);
  });

  it('a weekly digest carries the daily groups along, so one mail goes out', async () => {
    const t0 = new Date('2026-03-02T05:00:00Z');
    const a = await member();
    const reader = await member();
    const dailyGroup = await group(a, t0);
    const weeklyGroup = await group(a, t0);
    await join(t.db, reader, dailyGroup.id, null, BASE, t0);
    await join(t.db, reader, weeklyGroup.id, null, BASE, t0);
    await setDigest(t.db, reader, dailyGroup.id, 'daily', t0);
    const weeklyTitle = `週の話題 ${unique()}`;
    await createThread(t.db, a, weeklyGroup.id, { title: weeklyTitle, body: 'w' }, BASE, new Date(t0.getTime() + HOUR));
    // Daily runs for six days: nothing new in the daily group, no mail, the weekly one waits.
    for (let d = 1; d <= 6; d++) await sendDigests(t.db, BASE, new Date(t0.getTime() + d * DAY));
    expect(await digests(reader.email)).toHaveLength(0);
    const dailyTitle = `日の話題 ${unique()}`;
    await createThread(t.db, a, dailyGroup.id, { title: dailyTitle, body: 'd' }, BASE, new Date(t0.getTime() + 6 * DAY + HOUR));
    await sendDigests(t.db, BASE, new Date(t0.getTime() + 7 * DAY));
    const mails = await digests(reader.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(weeklyTitle);
    expect(mails[0]!.text).toContain(dailyTitle);
  });
});

describe('what a digest holds', () => {
  it('nothing new: no mail, but the clock moves on', async () => {
    const t0 = new Date('2026-04-06T08:00:00Z');
    const a = await member();
    const quiet = await member();
    const g = await group(a, t0);
    await join(t.db, quiet, g.id, null, BASE, t0);
    const run = new Date(t0.getTime() + 7 * DAY + 30 * 60_000);
    await sendDigests(t.db, BASE, run);
    expect(await digests(quiet.email)).toHaveLength(0);
    expect((await clockOf(g.id, quiet.id))?.toISOString()).toBe(periodEnd(run).toISOString());
  });

  it('leaves out the member’s own posts, hidden posts, authors blocked either way, and members who turned it off', async () => {
    const t0 = new Date('2026-05-04T09:00:00Z');
    const manager = await member();
    const reader = await member();
    const blocked = await member();
    const blocker = await member();
    const other = await member();
    const off = await member();
    const g = await group(manager, t0);
    for (const m of [reader, blocked, blocker, other, off]) await join(t.db, m, g.id, null, BASE, t0);
    await setDigest(t.db, off, g.id, 'off', t0);
    await t.db.insert(memberBlocks).values([
      { blockerId: reader.id, blockedId: blocked.id },
      { blockerId: blocker.id, blockedId: reader.id },
    ]);
    const at = (h: number) => new Date(t0.getTime() + h * HOUR);
    const own = `自分の話題 ${unique()}`;
    const fromBlocked = `ブロックした人の話題 ${unique()}`;
    const fromBlocker = `ブロックされた人の話題 ${unique()}`;
    const hidden = `非表示の話題 ${unique()}`;
    const visible = `見える話題 ${unique()}`;
    const ownId = await createThread(t.db, reader, g.id, { title: own, body: 'x' }, BASE, at(1));
    await createThread(t.db, blocked, g.id, { title: fromBlocked, body: 'x' }, BASE, at(2));
    await createThread(t.db, blocker, g.id, { title: fromBlocker, body: 'x' }, BASE, at(3));
    const hiddenId = await createThread(t.db, other, g.id, { title: hidden, body: 'x' }, BASE, at(4));
    await hidePost(t.db, manager, g.id, hiddenId, undefined, at(5));
    const visibleId = await createThread(t.db, other, g.id, { title: visible, body: 'x' }, BASE, at(6));
    // A reply by a blocked author is left out; one by another member to the reader's own thread counts.
    await reply(t.db, blocked, g.id, visibleId, 'x', BASE, at(7));
    await reply(t.db, other, g.id, ownId, 'y', BASE, at(8));
    await reply(t.db, reader, g.id, ownId, 'z', BASE, at(9));

    await sendDigests(t.db, BASE, new Date(t0.getTime() + 7 * DAY + HOUR));
    const [mail, ...more] = await digests(reader.email);
    expect(more).toHaveLength(0);
    expect(mail!.text).toContain(`新しい話題：「${visible}」\n`);
    expect(mail!.text).toContain(`「${own}」に新しい返信 1 件`);
    for (const text of [fromBlocked, fromBlocker, hidden]) expect(mail!.text).not.toContain(text);
    expect(await digests(off.email)).toHaveLength(0);
  });
});

describe('the hourly job', () => {
  it('sends the due digests through the job queue', async () => {
    const now = Date.now();
    const a = await member();
    const reader = await member();
    const g = await group(a, new Date(now - 9 * DAY));
    await join(t.db, reader, g.id, null, BASE, new Date(now - 8 * DAY));
    const title = `ジョブの話題 ${unique()}`;
    await createThread(t.db, a, g.id, { title, body: 'x' }, BASE, new Date(now - 2 * DAY));
    await enqueue(t.db, GROUP_DIGEST_QUEUE, {});
    const mails = await digests(reader.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(title);
    expect(mails[0]!.text).toContain(`${t.config.baseUrl}/groups`);
  });
});
