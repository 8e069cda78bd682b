/** Japanese strings of events (src/features/events), typed by the English catalogue's shape. */
import type { Messages } from '../index.ts';

export const eventsJa: Messages['events'] = {
  nav: 'イベント',
};
