export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;
export const MAGIC_LINK_TTL_SECONDS = 15 * 60;
