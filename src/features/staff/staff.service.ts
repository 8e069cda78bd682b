/**
 * Staff: operators invite operators, community managers and employees by e-mail, and
 * change roles. Every change is audited in the same transaction as the change itself,
 * and each invitation e-mail is queued in that transaction too.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, count, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { staffInvitations, users, type Role } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { authorize } from '../../shared/auth/can.ts';
import { AppError } from '../../shared/errors.ts';
import type { Actor } from '../../shared/http/context.ts';
import { messages, type Locale } from '../../shared/i18n/index.ts';
import { queueMail } from '../../shared/mail/mail.ts';
import { networkName } from '../../shared/network.ts';
import { findUserByEmail, insertAccount } from '../account/accounts.repository.ts';
import { refreshDirectory } from '../profiles/profiles.service.ts';

export const STAFF_ROLES = ['operator', 'community_manager', 'employee'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function inviteStaff(
  { db, actor, baseUrl, ip }: { db: Db; actor: Actor | null; baseUrl: string; ip?: string },
  input: { email: string; role: StaffRole; isManager: boolean; locale: Locale },
): Promise<{ status: 'sent' } | { status: 'exists' }> {
  const who = authorize(actor, 'people.invite');
  if (await findUserByEmail(db, input.email)) return { status: 'exists' };
  const token = randomBytes(32).toString('base64url');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [inv] = await t
      .insert(staffInvitations)
      .values({
        email: input.email,
        role: input.role,
        isManager: input.role === 'employee' && input.isManager,
        locale: input.locale,
        tokenHash: hashToken(token),
        invitedBy: who.id,
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      })
      .returning({ id: staffInvitations.id });
    const m = messages(input.locale);
    await queueMail(t, {
      key: `staff-invite:${inv!.id}`,
      to: input.email,
      locale: input.locale,
      template: 'staffInvitation',
      vars: {
        network: await networkName(t, input.locale),
        role: m.roles[input.role],
        inviter: who.name,
        url: `${baseUrl}/invite/staff?token=${token}`,
      },
    });
    await audit(t, {
      action: 'staff.invited',
      actor: who,
      subjectType: 'staff_invitation',
      subjectId: inv!.id,
      ip,
      details: { email: input.email, role: input.role, isManager: input.isManager },
    });
  });
  return { status: 'sent' };
}

export async function listPendingInvitations(db: Db, actor: Actor | null) {
  authorize(actor, 'people.view');
  return db
    .select()
    .from(staffInvitations)
    .where(and(isNull(staffInvitations.acceptedAt), isNull(staffInvitations.revokedAt), gt(staffInvitations.expiresAt, new Date())))
    .orderBy(desc(staffInvitations.createdAt))
    .limit(200);
}

export async function revokeInvitation({ db, actor, ip }: { db: Db; actor: Actor | null; ip?: string }, id: string) {
  const who = authorize(actor, 'people.invite');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('NOT_FOUND');
  await db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const updated = await t
      .update(staffInvitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(staffInvitations.id, id), isNull(staffInvitations.acceptedAt), isNull(staffInvitations.revokedAt)))
      .returning({ id: staffInvitations.id });
    if (updated.length === 0) throw new AppError('NOT_FOUND');
    await audit(t, { action: 'staff.invitation_revoked', actor: who, subjectType: 'staff_invitation', subjectId: id, ip });
  });
}

/** A valid, unused invitation for this token, or undefined. */
export async function findInvitation(db: Db, token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const [inv] = await db
    .select()
    .from(staffInvitations)
    .where(
      and(
        eq(staffInvitations.tokenHash, hashToken(token)),
        isNull(staffInvitations.acceptedAt),
        isNull(staffInvitations.revokedAt),
        gt(staffInvitations.expiresAt, new Date()),
      ),
    )
    .limit(1);
  return inv;
}

/** Creates the staff account; the invitation is used up in the same transaction (single use). */
export async function acceptInvitation(
  { db, ip }: { db: Db; ip?: string },
  token: string,
  input: { name: string; nameKana: string; password: string },
): Promise<{ email: string } | null> {
  const inv = await findInvitation(db, token);
  if (!inv) return null;
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const used = await t
      .update(staffInvitations)
      .set({ acceptedAt: new Date() })
      .where(and(eq(staffInvitations.id, inv.id), isNull(staffInvitations.acceptedAt), isNull(staffInvitations.revokedAt)))
      .returning({ id: staffInvitations.id });
    if (used.length === 0) return null;
    if (await findUserByEmail(t, inv.email)) throw new AppError('CONFLICT');
    const id = await insertAccount(t, {
      email: inv.email,
      name: input.name,
      nameKana: input.nameKana,
      password: input.password,
      role: inv.role,
      isManager: inv.isManager,
      status: 'active',
      emailVerified: true, // the invitation link proved the address
      locale: inv.locale,
    });
    await audit(t, {
      action: 'staff.invitation_accepted',
      actor: { id, email: inv.email },
      subjectType: 'staff_invitation',
      subjectId: inv.id,
      ip,
      details: { role: inv.role, isManager: inv.isManager },
    });
    return { email: inv.email };
  });
}

export interface PeopleFilter {
  role?: Role | undefined;
  q?: string | undefined;
  page?: number;
}

export const PEOPLE_PAGE_SIZE = 50;

export async function listPeople(db: Db, actor: Actor | null, filter: PeopleFilter) {
  authorize(actor, 'people.view');
  const conditions = [];
  if (filter.role) conditions.push(eq(users.role, filter.role));
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    conditions.push(sql`(${users.name} ILIKE ${like} OR ${users.email} ILIKE ${like} OR coalesce(${users.nameKana}, '') ILIKE ${like})`);
  }
  const where = conditions.length ? and(...conditions) : undefined;
  const page = Math.max(1, filter.page ?? 1);
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      isManager: users.isManager,
      status: users.status,
      twoFactorEnabled: users.twoFactorEnabled,
    })
    .from(users)
    .where(where)
    .orderBy(sql`CASE ${users.role} WHEN 'operator' THEN 0 WHEN 'community_manager' THEN 1 WHEN 'employee' THEN 2 ELSE 3 END`, users.name)
    .limit(PEOPLE_PAGE_SIZE + 1)
    .offset((page - 1) * PEOPLE_PAGE_SIZE);
  return { rows: rows.slice(0, PEOPLE_PAGE_SIZE), hasMore: rows.length > PEOPLE_PAGE_SIZE, page };
}

export type ChangeRoleResult = { status: 'changed'; name: string } | { status: 'self' } | { status: 'last-operator' };

/** Changes a person's role (and manager flag). Operators cannot change themselves; one operator always remains. */
export async function changeRole(
  { db, actor, ip }: { db: Db; actor: Actor | null; ip?: string },
  userId: string,
  input: { role: Role; isManager: boolean },
): Promise<ChangeRoleResult> {
  const who = authorize(actor, 'people.changeRole');
  if (userId === who.id) return { status: 'self' };
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    // Lock the operators so two concurrent demotions cannot both pass the "last operator" check.
    await t.execute(sql`SELECT id FROM users WHERE role = 'operator' FOR UPDATE`);
    const [target] = await t.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!target) throw new AppError('NOT_FOUND');
    const isManager = input.role === 'employee' ? input.isManager : false;
    if (target.role === 'operator' && input.role !== 'operator') {
      const [row] = await t.select({ n: count() }).from(users).where(and(eq(users.role, 'operator'), ne(users.id, userId)));
      if ((row?.n ?? 0) === 0) return { status: 'last-operator' } as const;
    }
    if (target.role === input.role && target.isManager === isManager) return { status: 'changed', name: target.name } as const;
    await t.update(users).set({ role: input.role, isManager, updatedAt: new Date() }).where(eq(users.id, userId));
    await refreshDirectory(t, userId);
    await audit(t, {
      action: 'role.changed',
      actor: who,
      subjectType: 'user',
      subjectId: userId,
      ip,
      details: { from: { role: target.role, isManager: target.isManager }, to: { role: input.role, isManager } },
    });
    return { status: 'changed', name: target.name } as const;
  });
}
