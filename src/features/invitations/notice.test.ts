/**
 * Consents name the version of the text that was shown. If this test fails, the notice (or
 * the contact consent sentence) changed: give it a new NOTICE_VERSION in notice.ts, then
 * record the new digest here. Never change the text under a version people agreed to.
 */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { messages } from '../../shared/i18n/index.ts';
import { NOTICE_VERSION, rulesVersion } from './notice.ts';

const RECORDED: Record<string, string> = {
  '2026-11-1': '1e1ab92df5eaeaec',
  '2026-11-2': '9619ef48cba82f6b',
};

function digest(): string {
  const texts = (['ja', 'en'] as const).map((l) => {
    const m = messages(l).invitations;
    return { notice: m.notice, consentPurpose: m.join.consentPurpose, consentContact: m.join.consentContact };
  });
  return createHash('sha256').update(JSON.stringify(texts)).digest('hex').slice(0, 16);
}

it('changes the notice text only together with its version', () => {
  expect(digest(), `notice text changed: bump NOTICE_VERSION (now ${NOTICE_VERSION}) and record the new digest`).toBe(RECORDED[NOTICE_VERSION]);
});

it('versions the network rules by their text', () => {
  const a = rulesVersion({ rulesJa: 'ルール', rulesEn: 'Rules' });
  expect(a).toMatch(/^rules-[0-9a-f]{16}$/);
  expect(rulesVersion({ rulesJa: 'ルール', rulesEn: 'Rules' })).toBe(a);
  expect(rulesVersion({ rulesJa: 'ルール2', rulesEn: 'Rules' })).not.toBe(a);
});
