/** Test helpers: roster rows and an operator actor for the service tests (not used by the app). */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { departments, rosterEntries } from '../../db/schema.ts';
import type { Actor } from '../../shared/http/context.ts';
import type { Segment } from './invitations.service.ts';

let counter = 0;

/** A new department with a unique name; returns its id. */
export async function makeDepartment(db: Db, name = `部署${++counter}-${randomUUID().slice(0, 6)}`): Promise<string> {
  const [row] = await db.insert(departments).values({ code: `T-${randomUUID()}`, nameJa: name, nameEn: `Dept ${name}` }).returning({ id: departments.id });
  return row!.id;
}

export type PersonInput = Partial<typeof rosterEntries.$inferInsert>;

/** Roster entries (left in 2022, consent to contact, a personal address, contact status ok unless overridden). */
export async function addPeople(db: Db, departmentId: string, people: PersonInput[]) {
  if (people.length === 0) return [];
  const rows = people.map((p) => {
    const n = ++counter;
    return {
      employeeNumber: `T${String(n).padStart(7, '0')}-${randomUUID().slice(0, 4)}`,
      name: `名簿 ${n}`,
      nameKana: `めいぼ ${n}`,
      departmentId,
      joinedOn: '2015-04-01',
      leftOn: '2022-03-31',
      personalEmail: `person-${n}-${randomUUID().slice(0, 6)}@example.jp`,
      contactConsent: true,
      ...p,
    };
  });
  const out: (typeof rosterEntries.$inferSelect)[] = [];
  for (let i = 0; i < rows.length; i += 1000) out.push(...(await db.insert(rosterEntries).values(rows.slice(i, i + 1000)).returning()));
  return out;
}

export function segmentOf(departmentIds: string[], extra: Partial<Segment> = {}): Segment {
  return { departmentIds, leftFromYear: null, leftToYear: null, rehire: [], onlyNotInvited: false, onlyWithEmail: false, ...extra };
}

export function operatorActor(user: { id: string; name: string; email: string }): Actor {
  return { id: user.id, name: user.name, email: user.email, role: 'operator', isManager: false, status: 'active', twoFactorEnabled: true, locale: 'ja', sessionId: 's' };
}
