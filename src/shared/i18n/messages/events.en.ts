/** English strings of events (src/features/events). */
export const eventsEn = {
  nav: 'Events',
};
