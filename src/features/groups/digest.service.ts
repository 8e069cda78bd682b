/**
 * The group digest: one mail per member covering all their groups, sent by the hourly tick.
 *
 * Each membership has its frequency (daily, weekly, off) and its clock (`last_digest_at`, or
 * when the member joined). A membership is due when its clock is a day (a week) behind the
 * period's end. Periods end on the hour, so the window of one digest is (clock, hour] and the
 * next one starts exactly there: nothing is sent twice, nothing is skipped.
 *
 * When a weekly membership is due, the member's daily ones come along (and every daily one when
 * any daily one is due), so their clocks line up and a member gets one mail per period rather
 * than one per group. A period with nothing new sends nothing but still moves the clocks on.
 * The mail's key is member × period, and the memberships are locked while a period is sent:
 * a re-run, or a second worker, sends nothing more.
 */
import type { Db } from '../../db/client.ts';
import { fmt, messages, type Locale } from '../../shared/i18n/index.ts';
import { queueMail } from '../../shared/mail/mail.ts';
import { networkName } from '../../shared/network.ts';
import * as repo from './groups.repository.ts';

/** Threads listed per group in one digest; the rest are counted. */
export const DIGEST_ITEMS_PER_GROUP = 20;
const BATCH = 200;

/** The end of the period a run at `now` covers: the start of the current hour. */
export function periodEnd(now: Date): Date {
  return new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
}

/** The digest's text in one language: per group, new threads and threads with new replies. */
export function digestText(
  locale: Locale,
  groups: { groupId: string; groupName: string }[],
  items: repo.DigestItem[],
  baseUrl: string,
): string {
  const d = messages(locale).groups.digest;
  const blocks: string[] = [];
  for (const g of groups) {
    const mine = items.filter((i) => i.groupId === g.groupId);
    if (!mine.length) continue;
    const lines = [fmt(d.group, { group: g.groupName })];
    for (const item of mine.slice(0, DIGEST_ITEMS_PER_GROUP)) {
      const count = item.newReplies;
      const line = item.isNew
        ? count === 0
          ? fmt(d.newThread, { title: item.title })
          : fmt(count === 1 ? d.newThreadReply : d.newThreadReplies, { title: item.title, count })
        : fmt(count === 1 ? d.reply : d.replies, { title: item.title, count });
      lines.push(`・${line}`, `  ${baseUrl}/groups/${g.groupId}/threads/${item.threadId}`);
    }
    if (mine.length > DIGEST_ITEMS_PER_GROUP) lines.push(fmt(d.more, { count: mine.length - DIGEST_ITEMS_PER_GROUP }));
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n\n');
}

/** Sends (or skips, when nothing is new) one member's digest for the period ending `until`; true when a mail was queued. */
export async function sendMemberDigest(db: Db, userId: string, until: Date, baseUrl: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const memberships = await repo.digestMemberships(t, userId, until);
    const due = memberships.filter((m) => m.due);
    if (!due.length) return false;
    const weekly = due.some((m) => m.digest === 'weekly');
    const included = memberships.filter((m) => weekly || m.digest === 'daily');
    const items = await repo.digestItems(t, userId, included, until);
    await repo.markDigested(t, userId, included.map((m) => m.groupId), until);
    if (!items.length) return false;
    const person = await repo.findPerson(t, userId);
    if (!person) return false;
    const locale: Locale = person.locale ?? 'ja';
    const queued = await queueMail(t, {
      key: `group-digest:${userId}:${until.toISOString()}`,
      to: person.email,
      userId,
      locale,
      template: 'groupDigest',
      vars: { network: await networkName(t, locale), name: person.name, content: digestText(locale, included, items, baseUrl), url: `${baseUrl}/groups` },
    });
    return queued !== null;
  });
}

/** The hourly tick: every member whose digest is due gets it. Returns how many members were looked at and mailed. */
export async function sendDigests(db: Db, baseUrl: string, now = new Date()): Promise<{ members: number; mails: number }> {
  const until = periodEnd(now);
  const seen = new Set<string>();
  let mails = 0;
  for (;;) {
    // A member handled in this run is never due again for the same period; the check only guards the loop.
    const due = (await repo.dueDigestMembers(db, until, BATCH)).filter((id) => !seen.has(id));
    if (!due.length) break;
    for (const userId of due) {
      seen.add(userId);
      if (await sendMemberDigest(db, userId, until, baseUrl)) mails++;
    }
  }
  return { members: seen.size, mails };
}
