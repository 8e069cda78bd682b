/** Japanese strings of groups (src/features/groups), typed by the English catalogue's shape. */
import type { Messages } from '../index.ts';

export const groupsJa: Messages['groups'] = {
  nav: 'グループ',
};
