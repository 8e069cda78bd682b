import { randomUUID } from 'node:crypto';
import { count, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { companyRequests, consents, departments, feedbackItems, opportunities, rewardRules, directoryEntries, eventRegistrations, events, groupMembers, groupPosts, groups, memberProfiles, networkSettings, notificationPreferences, posts, rosterDepartments, rosterEntries, segments, users } from '../db/schema.ts';
import { DEMO_EVENTS, DEMO_GROUPS, DEMO_OPPORTUNITIES, DEMO_REWARD_RULES } from './community.ts';
import { DEMO_POSTS, DEMO_SEGMENTS } from './content.ts';
import { createTestDatabase } from '../../test/db.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, generateDemoNetwork } from './generate.ts';
import { DemoDatabaseNotEmptyError, seedDemo, type CreateDemoAccount, type DemoAccountInput } from './seed.ts';

/** Stands in for the auth library: writes the users row directly (no credentials). */
function fakeCreateAccount(database: Database, seen: DemoAccountInput[] = []): CreateDemoAccount {
  return async (a) => {
    seen.push(a);
    const id = randomUUID();
    await database.db.insert(users).values({
      id,
      email: a.email,
      name: a.name,
      nameKana: a.nameKana,
      role: a.role,
      isManager: a.isManager,
      status: a.status,
      emailVerified: true,
    });
    return id;
  };
}

async function rowCount(
  database: Database,
  table: typeof users | typeof rosterEntries | typeof rosterDepartments | typeof departments | typeof memberProfiles | typeof posts | typeof segments | typeof consents | typeof notificationPreferences,
) {
  const [row] = await database.db.select({ n: count() }).from(table);
  return row?.n ?? 0;
}

describe('seedDemo', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('fills an empty database with 2000 leavers, their accounts and the demo content', async () => {
    const seen: DemoAccountInput[] = [];
    const started = performance.now();
    const summary = await seedDemo({
      db: database.db,
      createAccount: fakeCreateAccount(database, seen),
      withNetworkSettings: true,
    });
    const ms = performance.now() - started;
    // Informational only: speed is not asserted in unit tests (a loaded machine would fail them).
    console.info(`seedDemo: 2000 leavers, ${summary.departmentHistory} history rows, ${seen.length} accounts in ${ms.toFixed(0)} ms`);

    const expected = generateDemoNetwork();
    expect(summary.departments).toBe(expected.company.departments.length);
    expect(summary.leavers).toBe(2000);
    expect(summary.password).toBe(DEMO_PASSWORD);
    expect(summary.accounts.map((a) => a.email)).toEqual(expected.accounts.map((a) => a.email));

    expect(await rowCount(database, departments)).toBe(summary.departments);
    expect(await rowCount(database, rosterEntries)).toBe(2000);
    expect(await rowCount(database, rosterDepartments)).toBe(summary.departmentHistory);
    expect(await rowCount(database, users)).toBe(expected.accounts.length);
    expect(await rowCount(database, posts)).toBe(DEMO_POSTS.length);
    expect(await rowCount(database, segments)).toBe(DEMO_SEGMENTS.length);
    // Every newsletter opt-in has its consent record.
    expect(await rowCount(database, consents)).toBe(await rowCount(database, notificationPreferences));
    expect(await rowCount(database, consents)).toBeGreaterThan(0);
    expect(seen.every((a) => a.password === DEMO_PASSWORD && a.status === 'active')).toBe(true);

    // Alumni accounts are linked to their roster rows.
    const linked = await database.db
      .select({ employeeNumber: rosterEntries.employeeNumber, email: users.email, role: users.role })
      .from(rosterEntries)
      .innerJoin(users, eq(users.id, rosterEntries.userId))
      .where(isNotNull(rosterEntries.userId));
    expect(linked).toHaveLength(30);
    expect(linked.every((r) => r.role === 'alumnus')).toBe(true);
    expect(linked.map((r) => r.email)).toContain(DEMO_ACCOUNTS.alumnus);

    // Every demo alumnus has a profile and is listed in the directory for both audiences.
    expect(await rowCount(database, memberProfiles)).toBe(30);
    const listed = await database.db.select({ userId: directoryEntries.userId, audience: directoryEntries.audience }).from(directoryEntries);
    expect(listed.filter((r) => r.audience === 'alumni')).toHaveLength(30);
    expect(listed.filter((r) => r.audience === 'staff')).toHaveLength(30);

    // Dates and ids survive the round trip.
    const first = expected.leavers[0]!;
    const [row] = await database.db.select().from(rosterEntries).where(eq(rosterEntries.employeeNumber, first.employeeNumber));
    expect(row).toMatchObject({ id: first.id, joinedOn: first.joinedOn, leftOn: first.leftOn, nameKana: first.nameKana });

    const [settings] = await database.db.select().from(networkSettings);
    expect(settings?.nameEn).toBe(expected.network.nameEn);

    // Groups with a manager each and threads; events with registrations, a waitlist, and past check-ins.
    const groupRows = await database.db.select().from(groups);
    expect(groupRows.map((g) => g.name).sort()).toEqual(DEMO_GROUPS.map((g) => g.name).sort());
    const managers = await database.db.select().from(groupMembers).where(eq(groupMembers.role, 'manager'));
    expect(managers).toHaveLength(DEMO_GROUPS.length);
    expect((await database.db.select().from(groupPosts)).length).toBe(DEMO_GROUPS.reduce((n, g) => n + g.threads.reduce((k, t) => k + 1 + t.replies.length, 0), 0));
    const eventRows = await database.db.select().from(events);
    expect(eventRows).toHaveLength(DEMO_EVENTS.length);
    const regs = await database.db.select().from(eventRegistrations);
    const meetup = eventRows.find((e) => e.title === DEMO_EVENTS[0]!.title)!;
    const meetupRegs = regs.filter((r) => r.eventId === meetup.id);
    expect(meetupRegs.filter((r) => r.state === 'registered')).toHaveLength(meetup.capacity!);
    expect(meetupRegs.filter((r) => r.state === 'waitlisted').length).toBeGreaterThan(0);
    const pastIds = new Set(eventRows.filter((e) => e.endsAt < new Date()).map((e) => e.id));
    // Events are placed around the real date: upcoming ones are still ahead.
    expect(eventRows.filter((e) => e.startsAt > new Date())).toHaveLength(DEMO_EVENTS.filter((e) => e.day > 0).length);
    const attended = regs.filter((r) => pastIds.has(r.eventId) && r.checkedInAt);
    expect(attended.length).toBeGreaterThan(0);
    // Some attended both past events (repeat attendance), and nobody checked in to an upcoming one.
    const perPerson = new Map<string, number>();
    for (const r of attended) perPerson.set(r.userId!, (perPerson.get(r.userId!) ?? 0) + 1);
    expect([...perPerson.values()].some((n) => n > 1)).toBe(true);
    expect(regs.filter((r) => !pastIds.has(r.eventId) && r.checkedInAt)).toEqual([]);
    expect(new Set(regs.map((r) => r.checkInCode)).size).toBe(regs.length);

    // Open opportunities, reward rules, and one request and one idea from the demo alumnus.
    const open = await database.db.select().from(opportunities);
    expect(open.map((o) => o.title)).toEqual(DEMO_OPPORTUNITIES.map((o) => o.title));
    expect(open.every((o) => o.state === 'open' && o.closesAt! > new Date())).toBe(true);
    expect(await database.db.select().from(rewardRules)).toHaveLength(DEMO_REWARD_RULES.length);
    expect(await database.db.select().from(companyRequests)).toHaveLength(1);
    expect(await database.db.select().from(feedbackItems)).toHaveLength(1);
  });

  it('refuses a database that already holds people, and changes nothing', async () => {
    const before = await rowCount(database, rosterEntries);
    await expect(seedDemo({ db: database.db, createAccount: fakeCreateAccount(database), leavers: 10 })).rejects.toThrow(
      DemoDatabaseNotEmptyError,
    );
    expect(await rowCount(database, rosterEntries)).toBe(before);
  });
});

describe('seedDemo on failure', () => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  const expectEmpty = async () => {
    expect(await rowCount(database, users)).toBe(0);
    expect(await rowCount(database, departments)).toBe(0);
    expect(await rowCount(database, rosterEntries)).toBe(0);
    expect(await rowCount(database, rosterDepartments)).toBe(0);
  };

  it('refuses when only a user exists', async () => {
    const create = fakeCreateAccount(database);
    const id = await create({
      email: 'someone@example.com',
      name: '佐藤 一郎',
      nameKana: 'さとう いちろう',
      password: 'x',
      role: 'operator',
      isManager: false,
      status: 'active',
    });
    await expect(seedDemo({ db: database.db, createAccount: create, leavers: 5 })).rejects.toThrow(/not empty/);
    await database.db.delete(users).where(eq(users.id, id));
    await expectEmpty();
  });

  it('removes the accounts it created when account creation fails', async () => {
    const inner = fakeCreateAccount(database);
    let calls = 0;
    const failing: CreateDemoAccount = async (a) => {
      if (++calls === 4) throw new Error('auth library exploded');
      return inner(a);
    };
    await expect(seedDemo({ db: database.db, createAccount: failing, leavers: 20 })).rejects.toThrow('auth library exploded');
    await expectEmpty();
  });

  it('rolls the roster back and removes the accounts when an insert fails', async () => {
    const network = generateDemoNetwork({ leavers: 600 });
    // A duplicate employee number in the second batch violates the unique constraint.
    network.leavers[550]!.employeeNumber = network.leavers[3]!.employeeNumber;
    await expect(seedDemo({ db: database.db, createAccount: fakeCreateAccount(database), network })).rejects.toThrow();
    await expectEmpty();

    // The database is still usable for a clean seed afterwards.
    const summary = await seedDemo({ db: database.db, createAccount: fakeCreateAccount(database), leavers: 25 });
    expect(summary.leavers).toBe(25);
    expect(await rowCount(database, rosterEntries)).toBe(25);
  });
});
