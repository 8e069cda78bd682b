/**
 * Account rows written directly (setup wizard, staff invitations, CLI, demo): the same
 * tables and password hashing better-auth uses, inside the caller's transaction.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { accounts, users, type MemberStatus, type Role } from '../../db/schema.ts';
import { hashPassword } from '../../shared/auth/password.ts';

export interface NewAccount {
  email: string;
  name: string;
  nameKana?: string | null;
  password: string;
  role: Role;
  isManager?: boolean;
  status?: MemberStatus;
  emailVerified?: boolean;
  locale?: 'ja' | 'en' | null;
}

/** Creates a user with a password credential; returns its id. */
export async function insertAccount(db: Db, a: NewAccount): Promise<string> {
  const id = crypto.randomUUID();
  const hash = await hashPassword(a.password);
  await db.insert(users).values({
    id,
    email: a.email.trim(),
    name: a.name.trim(),
    nameKana: a.nameKana?.trim() || null,
    role: a.role,
    isManager: a.isManager ?? false,
    status: a.status ?? 'active',
    emailVerified: a.emailVerified ?? true,
    locale: a.locale ?? null,
  });
  await db.insert(accounts).values({ id: crypto.randomUUID(), accountId: id, providerId: 'credential', userId: id, password: hash });
  return id;
}

export async function findUserByEmail(db: Db, email: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email.trim()})`)
    .limit(1);
  return row;
}

export async function findUserById(db: Db, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

/** Active accounts holding one of `roles`, with the language their mail is written in (who is told of new requests, feedback, applications). */
export async function activeWithRoles(db: Db, roles: readonly Role[]): Promise<{ id: string; name: string; email: string; locale: 'ja' | 'en' | null }[]> {
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email, locale: users.locale })
    .from(users)
    .where(and(inArray(users.role, [...roles]), eq(users.status, 'active')))
    .orderBy(asc(users.id));
  return rows.map((r) => ({ ...r, locale: r.locale === 'en' || r.locale === 'ja' ? r.locale : null }));
}
