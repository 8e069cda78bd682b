/** English strings of requests (src/features/requests). */
export const requestsEn = {
  nav: 'Requests',
};

/** Mail templates of requests (merged into the `mail` catalogue; each has a subject and a body). */
export const requestsMailEn = {};
