/** Small view-model helpers shared by the opportunity and application pages. */
import { formatDate, type Locale, type Messages } from '../../shared/i18n/index.ts';

export interface ViewBase {
  m: Messages;
  csrfToken: string;
  locale: Locale;
  timeZone: string;
  /** The site's address: links carrying a visit's source are built with shared/attribution `withSource`. */
  baseUrl: string;
}

/** A department's name in the reader's language. */
export function departmentLabel(locale: Locale, d: { nameJa: string | null; nameEn: string | null } | null): string | null {
  if (!d || !d.nameJa) return null;
  return locale === 'en' ? (d.nameEn ?? d.nameJa) : d.nameJa;
}

/** The last day applications are taken (a closing instant is the end of that day in the zone). */
export function closingDate(closesAt: Date, locale: Locale, timeZone: string): string {
  return formatDate(new Date(closesAt.getTime() - 60_000), locale, timeZone);
}

/** Whole days since an instant (0 on the same day): ages are shown so nothing rots unseen. */
export function daysSince(at: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - at.getTime()) / 86_400_000));
}
