/** English strings of referrals (src/features/referrals). */
export const referralsEn = {
  nav: 'Referrals',
};

/** Mail templates of referrals (merged into the `mail` catalogue; each has a subject and a body). */
export const referralsMailEn = {};
