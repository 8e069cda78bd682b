/** English strings of messages (src/features/messages). */
export const messagesEn = {
  nav: 'Messages',
};

/** Mail templates of messages (merged into the `mail` catalogue; each has a subject and a body). */
export const messagesMailEn = {};
