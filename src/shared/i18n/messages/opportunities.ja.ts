/** Japanese strings of opportunities (src/features/opportunities), typed by the English catalogue's shape. */
import type { Messages } from '../index.ts';
import type { opportunitiesMailEn } from './opportunities.en.ts';

export const opportunitiesJa: Messages['opportunities'] = {
  nav: '求人・募集',
};

export const opportunitiesMailJa: Pick<Messages['mail'], keyof typeof opportunitiesMailEn> = {};
