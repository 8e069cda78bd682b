/** Japanese strings of messages (src/features/messages), typed by the English catalogue's shape. */
import type { Messages } from '../index.ts';
import type { messagesMailEn } from './messages.en.ts';

export const messagesJa: Messages['messages'] = {
  nav: 'メッセージ',
};

export const messagesMailJa: Pick<Messages['mail'], keyof typeof messagesMailEn> = {};
