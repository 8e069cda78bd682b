/**
 * Versions of the texts a person agrees to when joining. Each consent row records the
 * version that was shown, so what someone agreed to can always be reconstructed.
 *
 * NOTICE_VERSION names the purpose-of-use notice (`invitations.notice` in the catalogues,
 * both languages) and the contact consent sentence. Change those texts only together with
 * a new version: notice.test.ts fails when the text changes under the same version.
 */
import { createHash } from 'node:crypto';

export const NOTICE_VERSION = '2026-11-2';

/**
 * The network rules are edited by operators (network_settings); their version is a digest
 * of both languages' text, so a consent names exactly the rules that were accepted.
 */
export function rulesVersion(settings: { rulesJa: string; rulesEn: string }): string {
  return `rules-${createHash('sha256').update(`${settings.rulesJa}\u0000${settings.rulesEn}`).digest('hex').slice(0, 16)}`;
}
