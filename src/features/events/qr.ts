/**
 * Check-in codes and their QR codes. A code is typed at the venue when a camera fails, so its
 * alphabet leaves out the characters people confuse (0/O, 1/I); 32 symbols make each
 * character exactly 5 random bits, and 10 characters (50 bits) never need guessing limits.
 * The QR encodes the absolute URL of the check-in page with the code, so any phone camera
 * opens it for the staff member scanning.
 */
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';

export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_LENGTH = 10;

/** A new random check-in code. */
export function newCheckInCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  let code = '';
  for (const b of bytes) code += CODE_ALPHABET[b & 31];
  return code;
}

/** The URL a scanned QR code opens: the check-in page of the event with the attendee's code. */
export function checkInUrl(baseUrl: string, eventId: string, code: string): string {
  return `${baseUrl}/events/${eventId}/check-in?code=${encodeURIComponent(code)}`;
}

/** The QR code as SVG markup (no fixed size: the page's CSS sizes it), shown inline on the event page. */
export function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
}

/** The QR code as a PNG, for mail (clients show inline images of `cid:` references, not SVG). */
export function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', margin: 2, width: 240, errorCorrectionLevel: 'M' });
}
