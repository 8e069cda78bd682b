/** English strings of events (src/features/events). */
export const eventsEn = {
  nav: 'Events',
};

/** Mail templates of events (merged into the `mail` catalogue; each has a subject and a body). */
export const eventsMailEn = {};
