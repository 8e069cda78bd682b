/** English strings of check-in, ratings and attendance (src/features/events). */
export const attendanceEn = {
  nav: 'Check-in',
};
