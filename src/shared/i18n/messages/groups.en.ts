/** English strings of groups (src/features/groups). */
export const groupsEn = {
  nav: 'Groups',
};

/** Mail templates of groups (merged into the `mail` catalogue; each has a subject and a body). */
export const groupsMailEn = {};
