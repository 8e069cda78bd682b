/** English strings of check-in, ratings and attendance (src/features/events). */
export const attendanceEn = {
  nav: 'Check-in',
};

/** Mail templates of attendance (merged into the `mail` catalogue; each has a subject and a body). */
export const attendanceMailEn = {};
