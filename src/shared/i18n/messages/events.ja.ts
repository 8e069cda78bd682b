/** Japanese strings of events (src/features/events), typed by the English catalogue's shape. */
import type { Messages } from '../index.ts';
import type { eventsMailEn } from './events.en.ts';

export const eventsJa: Messages['events'] = {
  nav: 'イベント',
};

export const eventsMailJa: Pick<Messages['mail'], keyof typeof eventsMailEn> = {};
