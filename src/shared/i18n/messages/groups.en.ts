/** English strings of groups (src/features/groups). */
export const groupsEn = {
  nav: 'Groups',
};
