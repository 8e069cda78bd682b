/**
 * The network's settings (one row, written by the setup wizard). Read on nearly every
 * request, so they are cached briefly in each process.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { networkSettings } from '../db/schema.ts';
import type { Locale } from './i18n/index.ts';

export type NetworkSettings = typeof networkSettings.$inferSelect;

const TTL_MS = 5_000;
const cache = new WeakMap<Db, { at: number; value: NetworkSettings | null }>();

/** The settings, or null before the setup wizard has run. */
export async function getNetworkSettings(db: Db): Promise<NetworkSettings | null> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < TTL_MS && hit.value) return hit.value;
  const [row] = await db.select().from(networkSettings).where(eq(networkSettings.id, 1)).limit(1);
  const value = row ?? null;
  cache.set(db, { at: Date.now(), value });
  return value;
}

/** Forget the cached settings (after the wizard or a settings change). */
export function invalidateNetworkSettings(db: Db): void {
  cache.delete(db);
}

export async function networkName(db: Db, locale: Locale): Promise<string> {
  const s = await getNetworkSettings(db);
  if (!s) return 'Kizuna';
  return locale === 'en' ? s.nameEn || s.nameJa : s.nameJa;
}

export function localized(s: NetworkSettings, locale: Locale, field: 'name' | 'purpose' | 'rules'): string {
  const ja = s[`${field}Ja`];
  const en = s[`${field}En`];
  return locale === 'en' ? en || ja : ja;
}
