/** Japanese strings of groups (src/features/groups), typed by the English catalogue's shape. */
import type { Messages } from '../index.ts';
import type { groupsMailEn } from './groups.en.ts';

export const groupsJa: Messages['groups'] = {
  nav: 'グループ',
};

export const groupsMailJa: Pick<Messages['mail'], keyof typeof groupsMailEn> = {};
