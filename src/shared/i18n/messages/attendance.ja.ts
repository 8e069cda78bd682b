/** Japanese strings of check-in, ratings and attendance (src/features/events), typed by the English catalogue's shape. */
import type { Messages } from '../index.ts';
import type { attendanceMailEn } from './attendance.en.ts';

export const attendanceJa: Messages['attendance'] = {
  nav: '受付',
};

export const attendanceMailJa: Pick<Messages['mail'], keyof typeof attendanceMailEn> = {};
