/**
 * Profile photos: every upload is decoded and re-encoded by sharp into a 512×512 WebP, so
 * what is served is a plain raster with no metadata (no GPS position, no camera serial)
 * and nothing a browser could run. SVG and other vector or document formats are refused.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif']);
/** A 50-megapixel limit keeps a tiny file that decodes to a huge image from exhausting memory. */
const MAX_PIXELS = 50_000_000;
export const PHOTO_SIZE = 512;

export type PhotoError = 'tooLarge' | 'notImage';

export async function processPhoto(bytes: Uint8Array): Promise<{ ok: true; data: Buffer } | { ok: false; error: PhotoError }> {
  if (bytes.length > MAX_PHOTO_BYTES) return { ok: false, error: 'tooLarge' };
  if (bytes.length === 0) return { ok: false, error: 'notImage' };
  try {
    const meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata();
    if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) return { ok: false, error: 'notImage' };
    const data = await sharp(bytes, { limitInputPixels: MAX_PIXELS, animated: false })
      .rotate() // apply the EXIF orientation before the metadata is dropped
      .resize(PHOTO_SIZE, PHOTO_SIZE, { fit: 'cover', position: 'attention' })
      .webp({ quality: 80 })
      .toBuffer();
    return { ok: true, data };
  } catch {
    return { ok: false, error: 'notImage' };
  }
}

/** Photo keys are random file names: 22 base64url characters and ".webp". */
export const PHOTO_KEY = /^[A-Za-z0-9_-]{22}\.webp$/;

export function photoPath(uploads: string, key: string): string {
  if (!PHOTO_KEY.test(key)) throw new Error('invalid photo key');
  return path.join(uploads, 'photos', key);
}

export async function storePhoto(uploads: string, data: Buffer): Promise<string> {
  const key = `${randomBytes(16).toString('base64url')}.webp`;
  await fs.mkdir(path.join(uploads, 'photos'), { recursive: true });
  await fs.writeFile(photoPath(uploads, key), data);
  return key;
}

export async function deletePhoto(uploads: string, key: string | null): Promise<void> {
  if (key && PHOTO_KEY.test(key)) await fs.rm(photoPath(uploads, key), { force: true });
}
