/** The first-run wizard: creates the network's settings and its first operator, once. */
import type { Db } from '../../db/client.ts';
import { networkSettings } from '../../db/schema.ts';
import { audit } from '../../shared/audit.ts';
import { AppError } from '../../shared/errors.ts';
import { getNetworkSettings, invalidateNetworkSettings } from '../../shared/network.ts';
import { insertAccount } from '../account/accounts.repository.ts';
import type { SetupInput } from './setup.schema.ts';

export async function isSetUp(db: Db): Promise<boolean> {
  return (await getNetworkSettings(db)) !== null;
}

/**
 * Runs the wizard. Settings and operator are written in one transaction; the settings
 * row's fixed primary key makes a second (or concurrent) run fail as GONE.
 */
export async function completeSetup({ db, input, ip, locale }: { db: Db; input: SetupInput; ip?: string; locale: 'ja' | 'en' }) {
  if (await isSetUp(db)) throw new AppError('GONE');
  try {
    const userId = await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(networkSettings)
        .values({
          id: 1,
          nameJa: input.nameJa,
          nameEn: input.nameEn,
          operatorType: input.operatorType,
          purposeJa: input.purposeJa,
          purposeEn: input.purposeEn,
          rulesJa: input.rulesJa,
          rulesEn: input.rulesEn,
          timeZone: input.timeZone,
        })
        .onConflictDoNothing()
        .returning({ id: networkSettings.id });
      if (inserted.length === 0) throw new AppError('GONE');
      const id = await insertAccount(tx as unknown as Db, {
        email: input.email,
        name: input.name,
        nameKana: input.nameKana,
        password: input.password,
        role: 'operator',
        status: 'active',
        emailVerified: true,
        locale,
      });
      await audit(tx as unknown as Db, {
        action: 'setup.completed',
        actor: { id, email: input.email },
        subjectType: 'network',
        subjectId: '1',
        ip,
        details: { operatorType: input.operatorType, timeZone: input.timeZone },
      });
      return id;
    });
    return { userId };
  } finally {
    invalidateNetworkSettings(db);
  }
}
