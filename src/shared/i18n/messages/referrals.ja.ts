/** Japanese strings of referrals (src/features/referrals), typed by the English catalogue's shape. */
import type { Messages } from '../index.ts';
import type { referralsMailEn } from './referrals.en.ts';

export const referralsJa: Messages['referrals'] = {
  nav: '紹介',
};

export const referralsMailJa: Pick<Messages['mail'], keyof typeof referralsMailEn> = {};
