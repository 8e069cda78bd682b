import { z } from 'zod';
import { email, isTimeZone, kana, optionalText, password, text } from '../../shared/validation.ts';

export const setupSchema = z
  .object({
    nameJa: text(100),
    nameEn: text(100),
    operatorType: z.enum(['company', 'volunteers', 'alumni'], 'choose'),
    purposeJa: text(4000),
    purposeEn: optionalText(4000),
    rulesJa: text(8000),
    rulesEn: optionalText(8000),
    timeZone: z.string().trim().refine(isTimeZone, 'timeZone'),
    name: text(100),
    nameKana: kana,
    email,
    password,
    passwordConfirm: z.string(),
  })
  .refine((v) => v.password === v.passwordConfirm, { message: 'passwordMismatch', path: ['passwordConfirm'] });

export type SetupInput = z.infer<typeof setupSchema>;
