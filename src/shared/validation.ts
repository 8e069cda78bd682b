/** Zod building blocks shared by forms; messages are keys of the `validation` catalogue. */
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './auth/constants.ts';

export const text = (max: number) => z.string().trim().min(1, 'required').max(max, 'tooLong');
export const optionalText = (max: number) => z.string().trim().max(max, 'tooLong').default('');
export const email = z.string().trim().min(1, 'required').max(254, 'tooLong').pipe(z.email('email'));
export const password = z.string().min(MIN_PASSWORD_LENGTH, 'tooShort').max(MAX_PASSWORD_LENGTH, 'tooLong');
export const kana = z
  .string()
  .trim()
  .max(100, 'tooLong')
  .default('');

export const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
