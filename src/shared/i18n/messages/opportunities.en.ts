/** English strings of opportunities (src/features/opportunities). */
export const opportunitiesEn = {
  nav: 'Opportunities',
};

/** Mail templates of opportunities (merged into the `mail` catalogue; each has a subject and a body). */
export const opportunitiesMailEn = {};
