/** Japanese strings of requests (src/features/requests), typed by the English catalogue's shape. */
import type { Messages } from '../index.ts';
import type { requestsMailEn } from './requests.en.ts';

export const requestsJa: Messages['requests'] = {
  nav: '依頼',
};

export const requestsMailJa: Pick<Messages['mail'], keyof typeof requestsMailEn> = {};
