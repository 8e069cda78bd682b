/**
 * Writes the generated demo network into an empty database: departments, roster entries
 * and their department history in one transaction, and the staff and alumni accounts
 * through the caller's `createAccount` (the real auth library, so passwords are hashed the
 * way sign-in expects).
 */
import { randomInt } from 'node:crypto';
import { count, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import {
  careerPositions,
  consents,
  companyRequests,
  departments,
  eventHosts,
  feedbackItems,
  opportunities,
  rewardRules,
  eventRegistrations,
  events,
  groupMembers,
  groupPosts,
  groups,
  memberProfiles,
  networkSettings,
  notificationPreferences,
  posts,
  rosterDepartments,
  rosterEntries,
  segments,
  users,
  type Role,
} from '../db/schema.ts';
import { NOTICE_VERSION } from '../features/invitations/notice.ts';
import { refreshDirectory } from '../features/profiles/profiles.service.ts';
import { DEMO_EVENTS, DEMO_GROUPS, DEMO_OPPORTUNITIES, DEMO_REWARD_RULES } from './community.ts';
import { DEMO_POSTS, DEMO_SEGMENTS } from './content.ts';
import { demoProfiles } from './profiles.ts';
import { DEMO_PASSWORD, generateDemoNetwork, type DemoNetwork, type GenerateDemoOptions } from './generate.ts';

/** What `seedDemo` asks the auth layer to create for each demo account. */
export interface DemoAccountInput {
  email: string;
  name: string;
  nameKana: string;
  password: string;
  role: Role;
  isManager: boolean;
  status: 'active';
}

/** Creates one account through the auth library and returns the new user id. */
export type CreateDemoAccount = (account: DemoAccountInput) => Promise<string>;

export interface SeedDemoOptions extends GenerateDemoOptions {
  db: Db;
  createAccount: CreateDemoAccount;
  /** A network made earlier with `generateDemoNetwork` (then seed/leavers/years/today are ignored). */
  network?: DemoNetwork;
  /** Also write the network_settings row (name, purpose, rules) when none exists; default false. */
  withNetworkSettings?: boolean;
  /** Rows per INSERT; default 500. */
  batchSize?: number;
}

/** What was written, for the CLI to print. */
export interface SeedDemoSummary {
  departments: number;
  leavers: number;
  /** roster_departments rows. */
  departmentHistory: number;
  accounts: Array<{ email: string; name: string; role: Role; isManager: boolean }>;
  password: string;
}

/** Thrown when the database already holds people: demo data must never mix with real data. */
export class DemoDatabaseNotEmptyError extends Error {
  constructor(public readonly counts: { users: number; rosterEntries: number; departments: number }) {
    super(
      'Refusing to load demo data: the database is not empty ' +
        `(${counts.users} users, ${counts.rosterEntries} roster entries, ${counts.departments} departments). ` +
        'Demo data must never mix with real data; run the demo against a fresh database ' +
        '(an empty KIZUNA_DATA_DIR or a new DATABASE_URL).',
    );
    this.name = 'DemoDatabaseNotEmptyError';
  }
}

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

async function countRows(db: Db) {
  const [[u], [r], [d]] = await Promise.all([
    db.select({ n: count() }).from(users),
    db.select({ n: count() }).from(rosterEntries),
    db.select({ n: count() }).from(departments),
  ]);
  return { users: u?.n ?? 0, rosterEntries: r?.n ?? 0, departments: d?.n ?? 0 };
}

/**
 * Fills an empty database with the demo network and returns a summary.
 *
 * Accounts are created first, outside the transaction, because `createAccount` writes
 * through the auth library's own connection (on PGlite a nested write would wait for the
 * open transaction forever). The roster is then written in one transaction, with the
 * alumni already linked. If anything fails, the transaction rolls back and the accounts
 * created so far are deleted again, so a failed seed leaves the database empty.
 *
 * @throws DemoDatabaseNotEmptyError when users, roster entries or departments exist.
 */
export async function seedDemo(opts: SeedDemoOptions): Promise<SeedDemoSummary> {
  const { db, createAccount } = opts;
  const batchSize = opts.batchSize ?? 500;
  const existing = await countRows(db);
  if (existing.users > 0 || existing.rosterEntries > 0 || existing.departments > 0) {
    throw new DemoDatabaseNotEmptyError(existing);
  }

  const network =
    opts.network ??
    generateDemoNetwork({
      ...(opts.seed !== undefined && { seed: opts.seed }),
      ...(opts.leavers !== undefined && { leavers: opts.leavers }),
      ...(opts.years !== undefined && { years: opts.years }),
      ...(opts.today !== undefined && { today: opts.today }),
    });

  const createdUserIds: string[] = [];
  try {
    const userIdByEmployeeNumber = new Map<string, string>();
    const userIdByEmail = new Map<string, string>();
    for (const account of network.accounts) {
      const userId = await createAccount({
        email: account.email,
        name: account.name,
        nameKana: account.nameKana,
        password: network.password,
        role: account.role,
        isManager: account.isManager,
        status: account.status,
      });
      createdUserIds.push(userId);
      userIdByEmail.set(account.email, userId);
      if (account.rosterEmployeeNumber) userIdByEmployeeNumber.set(account.rosterEmployeeNumber, userId);
    }

    const departmentIdByCode = new Map(network.company.departments.map((d) => [d.code, d.id]));
    const departmentId = (code: string) => {
      const id = departmentIdByCode.get(code);
      if (!id) throw new Error(`demo data: unknown department code ${code}`);
      return id;
    };

    const rosterRows = network.leavers.map((l) => ({
      id: l.id,
      employeeNumber: l.employeeNumber,
      name: l.name,
      nameKana: l.nameKana,
      nameRomaji: l.nameRomaji,
      departmentId: departmentId(l.departmentCode),
      title: l.title,
      joinedOn: l.joinedOn,
      leftOn: l.leftOn,
      leaveReasonCategory: l.leaveReasonCategory,
      rehireEligible: l.rehireEligible,
      personalEmail: l.personalEmail,
      contactConsent: l.contactConsent,
      userId: userIdByEmployeeNumber.get(l.employeeNumber) ?? null,
    }));
    const historyRows = network.leavers.flatMap((l) =>
      l.departments.map((s) => ({
        rosterEntryId: l.id,
        departmentId: departmentId(s.departmentCode),
        fromOn: s.fromOn,
        toOn: s.toOn,
      })),
    );

    await db.transaction(async (tx) => {
      if (opts.withNetworkSettings) {
        await tx
          .insert(networkSettings)
          .values({ id: 1, ...network.network })
          .onConflictDoNothing({ target: networkSettings.id });
      }
      await tx.insert(departments).values(
        network.company.departments.map((d) => ({ id: d.id, code: d.code, nameJa: d.nameJa, nameEn: d.nameEn })),
      );
      for (const batch of chunks(rosterRows, batchSize)) await tx.insert(rosterEntries).values(batch);
      for (const batch of chunks(historyRows, batchSize)) await tx.insert(rosterDepartments).values(batch);
    });

    // Alumni profiles, so the directory and former-colleague suggestions have something to show.
    const leaverByNumber = new Map(network.leavers.map((l) => [l.employeeNumber, l]));
    const alumni = network.accounts.filter((a) => a.role === 'alumnus' && a.rosterEmployeeNumber);
    const profiles = demoProfiles(
      network.seed,
      alumni.map((a) => ({ email: a.email, nameRomaji: a.nameRomaji, leftOn: leaverByNumber.get(a.rosterEmployeeNumber!)?.leftOn ?? network.today })),
    );
    await db.transaction(async (tx) => {
      const t = tx as unknown as Db;
      for (const account of alumni) {
        const userId = userIdByEmployeeNumber.get(account.rosterEmployeeNumber!);
        const profile = profiles.get(account.email);
        if (!userId || !profile) continue;
        const { career, ...fields } = profile;
        await t.insert(memberProfiles).values({ userId, ...fields }).onConflictDoNothing();
        await t.insert(careerPositions).values(career.map((c) => ({ userId, ...c })));
        await refreshDirectory(t, userId);
      }
    });

    // News, segments, and newsletter opt-ins (two in three alumni, each with its consent record).
    const today = new Date(`${network.today}T09:00:00+09:00`);
    const operator = network.accounts.find((a) => a.role === 'operator');
    const authorId = operator ? (userIdByEmail.get(operator.email) ?? null) : null;
    await db.transaction(async (tx) => {
      await tx.insert(posts).values(
        DEMO_POSTS.map((p) => {
          const { daysAgo, ...post } = p;
          const at = new Date(today.getTime() - daysAgo * 86_400_000);
          return { ...post, state: 'published' as const, publishedAt: at, publishAt: at, createdAt: at, updatedAt: at, authorId };
        }),
      );
      await tx.insert(segments).values(DEMO_SEGMENTS.map((s) => ({ ...s, createdBy: authorId })));
      const readers = alumni.map((a) => userIdByEmployeeNumber.get(a.rosterEmployeeNumber!)).filter((id): id is string => Boolean(id)).filter((_, i) => i % 3 !== 2);
      if (readers.length) {
        await tx.insert(notificationPreferences).values(readers.map((userId) => ({ userId, news: true, newsletter: true, events: true }))).onConflictDoNothing();
        await tx.insert(consents).values(readers.map((userId) => ({ userId, kind: 'newsletter' as const, version: NOTICE_VERSION, source: 'demo' })));
      }
      if (opts.withNetworkSettings) {
        await tx
          .update(networkSettings)
          .set({ senderName: network.network.nameJa, senderPostalAddress: '〒100-0005 東京都千代田区丸の内1-1-1', senderContact: 'alumni@example.com' });
      }
    });

    await seedCommunity(db, {
      today,
      // Events are about the future: they are placed around the real date the demo is loaded on,
      // whatever day the generated network calls "today".
      eventsAround: new Date(`${new Date().toISOString().slice(0, 10)}T09:00:00+09:00`),
      authorId,
      alumniIds: alumni.map((a) => userIdByEmployeeNumber.get(a.rosterEmployeeNumber!)).filter((id): id is string => Boolean(id)),
      userIdByEmail,
    });

    return {
      departments: network.company.departments.length,
      leavers: rosterRows.length,
      departmentHistory: historyRows.length,
      accounts: network.accounts.map((a) => ({ email: a.email, name: a.name, role: a.role, isManager: a.isManager })),
      password: network.password,
    };
  } catch (err) {
    if (createdUserIds.length > 0) {
      try {
        // Sessions, credentials and 2FA rows go with their user (ON DELETE CASCADE).
        await db.delete(users).where(inArray(users.id, createdUserIds));
      } catch (cleanupErr) {
        throw new Error(
          `Demo seed failed (${(err as Error).message}) and its ${createdUserIds.length} accounts could not be removed ` +
            `(${(cleanupErr as Error).message}); start again from a fresh database.`,
          { cause: err },
        );
      }
    }
    throw err;
  }
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const demoCode = () => Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

/** Groups with members and threads, and events with registrations (check-ins and ratings for past ones). */
async function seedCommunity(
  db: Db,
  d: { today: Date; eventsAround: Date; authorId: string | null; alumniIds: string[]; userIdByEmail: Map<string, string> },
): Promise<void> {
  const day = 86_400_000;
  await db.transaction(async (tx) => {
    const groupIds = new Map<string, string>();
    const membersOf = new Map<string, string[]>();
    for (const g of DEMO_GROUPS) {
      const { key, everyNth, accounts, threads, ...fields } = g;
      const createdAt = new Date(d.today.getTime() - 60 * day);
      const [row] = await tx.insert(groups).values({ ...fields, createdBy: d.authorId, createdAt, updatedAt: createdAt }).returning({ id: groups.id });
      const groupId = row!.id;
      groupIds.set(key, groupId);
      const staff = accounts.map((e) => d.userIdByEmail.get(e)).filter((id): id is string => Boolean(id));
      const alumni = everyNth ? d.alumniIds.filter((_, i) => i % everyNth === 0) : [];
      const members = [...new Set([...staff, ...alumni])];
      membersOf.set(key, members);
      await tx.insert(groupMembers).values(
        members.map((userId, i) => ({ groupId, userId, role: i === 0 ? ('manager' as const) : ('member' as const), state: 'active' as const, joinedAt: createdAt, createdAt })),
      );
      let n = 0;
      for (const th of threads) {
        const at = new Date(d.today.getTime() - (20 - n * 3) * day);
        const [thread] = await tx
          .insert(groupPosts)
          .values({ groupId, title: th.title, body: th.body, authorId: members[n % members.length]!, createdAt: at, lastActivityAt: at })
          .returning({ id: groupPosts.id });
        let last = at;
        for (const [i, body] of th.replies.entries()) {
          last = new Date(at.getTime() + (i + 1) * 3 * 3_600_000);
          await tx.insert(groupPosts).values({ groupId, threadId: thread!.id, body, authorId: members[(n + i + 1) % members.length]!, createdAt: last, lastActivityAt: last });
        }
        await tx.update(groupPosts).set({ lastActivityAt: last }).where(inArray(groupPosts.id, [thread!.id]));
        n++;
      }
    }

    const host = d.userIdByEmail.get('cm@example.com');
    const demoAlumnus = d.userIdByEmail.get('alumnus@example.com');
    // The same alumni come back to the past events, so repeat attendance has something to count.
    for (const e of DEMO_EVENTS) {
      const { day: offset, startHour, endHour, group, registrations, ...fields } = e;
      const date = new Date(d.eventsAround.getTime() + offset * day).toISOString().slice(0, 10);
      const startsAt = new Date(`${date}T${String(startHour).padStart(2, '0')}:00:00+09:00`);
      const endsAt = new Date(`${date}T${String(endHour).padStart(2, '0')}:00:00+09:00`);
      const publishedAt = new Date(startsAt.getTime() - 30 * day);
      const [row] = await tx
        .insert(events)
        .values({
          ...fields,
          groupId: group ? groupIds.get(group)! : null,
          timeZone: 'Asia/Tokyo',
          startsAt,
          endsAt,
          registrationDeadline: new Date(startsAt.getTime() - 2 * day),
          state: 'published',
          publishedAt,
          reminderSentAt: offset < 0 ? new Date(startsAt.getTime() - day) : null,
          createdBy: d.authorId,
          createdAt: publishedAt,
          updatedAt: publishedAt,
        })
        .returning({ id: events.id });
      const eventId = row!.id;
      if (host) await tx.insert(eventHosts).values({ eventId, userId: host });
      const pool = group ? (membersOf.get(group) ?? []) : d.alumniIds;
      const people = [...new Set([...(demoAlumnus && pool.includes(demoAlumnus) && offset > 0 ? [demoAlumnus] : []), ...pool])].slice(0, registrations);
      const past = offset < 0;
      await tx.insert(eventRegistrations).values(
        people.map((userId, i) => {
          const at = new Date(publishedAt.getTime() + (i + 1) * 3_600_000);
          const seated = e.capacity === null || i < e.capacity;
          const attended = past && seated && i % 4 !== 3;
          return {
            eventId,
            userId,
            state: seated ? ('registered' as const) : ('waitlisted' as const),
            waitlistedAt: seated ? null : at,
            checkInCode: demoCode(),
            checkedInAt: attended ? new Date(startsAt.getTime() + (i % 30) * 60_000) : null,
            checkedInBy: attended ? (host ?? null) : null,
            rating: attended && i % 3 !== 2 ? 5 - (i % 3) : null,
            ratingComment: attended && i % 3 !== 2 && i % 5 === 0 ? '久しぶりに元同僚と話せてよかったです。' : null,
            ratedAt: attended && i % 3 !== 2 ? new Date(endsAt.getTime() + day) : null,
            createdAt: at,
            updatedAt: at,
          };
        }),
      );
    }

    // Opportunities open around the load date, the reward rules, and one request and one idea from the demo alumnus.
    await tx.insert(opportunities).values(
      DEMO_OPPORTUNITIES.map(({ closesInDays, ...o }) => ({
        ...o,
        state: 'open' as const,
        closesAt: new Date(d.eventsAround.getTime() + closesInDays * day),
        publishedAt: new Date(d.eventsAround.getTime() - 3 * day),
        createdBy: d.authorId,
      })),
    );
    await tx.insert(rewardRules).values(DEMO_REWARD_RULES.map((r) => ({ ...r, createdBy: d.authorId })));
    if (demoAlumnus) {
      await tx.insert(companyRequests).values({
        requesterId: demoAlumnus,
        kind: 'introduction',
        title: '物流部門の方とお話ししたいです',
        body: '現在、物流スタートアップで在庫連携の仕組みを作っています。御社の物流部門の方と情報交換できればうれしいです。',
        source: null,
      });
      await tx.insert(feedbackItems).values({
        authorId: demoAlumnus,
        kind: 'idea',
        subject: 'パートナーAPI',
        title: 'サンドボックスのレート制限を明記してほしい',
        body: 'ドキュメントにレート制限の値があると、試すときに助かります。',
      });
    }
  });
}

export { DEMO_PASSWORD };
