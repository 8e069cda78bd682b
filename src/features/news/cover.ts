/**
 * Cover images of news posts: like profile photos, every upload is decoded and re-encoded by
 * sharp (a plain WebP raster, no metadata, nothing a browser could run; SVG and documents
 * refused), here kept at most 1600×900 in its own proportions and never enlarged.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

export const MAX_COVER_BYTES = 8 * 1024 * 1024;
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif']);
/** A tiny file that decodes to a huge image must not exhaust memory. */
const MAX_PIXELS = 50_000_000;
export const COVER_WIDTH = 1600;
export const COVER_HEIGHT = 900;

export type CoverError = 'tooLarge' | 'notImage';

export interface Cover {
  data: Buffer;
  width: number;
  height: number;
}

export async function processCover(bytes: Uint8Array): Promise<{ ok: true; cover: Cover } | { ok: false; error: CoverError }> {
  if (bytes.length > MAX_COVER_BYTES) return { ok: false, error: 'tooLarge' };
  if (bytes.length === 0) return { ok: false, error: 'notImage' };
  try {
    const meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata();
    if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) return { ok: false, error: 'notImage' };
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_PIXELS, animated: false })
      .rotate() // apply the EXIF orientation before the metadata is dropped
      .resize(COVER_WIDTH, COVER_HEIGHT, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    return { ok: true, cover: { data, width: info.width, height: info.height } };
  } catch {
    return { ok: false, error: 'notImage' };
  }
}

/** Cover keys are random file names that also carry the size for the page's img (no layout shift): `<22 chars>-<w>x<h>.webp`. */
export const COVER_KEY = /^[A-Za-z0-9_-]{22}-(\d{1,4})x(\d{1,4})\.webp$/;

export function coverSize(key: string): { width: number; height: number } | null {
  const match = COVER_KEY.exec(key);
  return match ? { width: Number(match[1]), height: Number(match[2]) } : null;
}

function coverPath(uploads: string, key: string): string {
  if (!COVER_KEY.test(key)) throw new Error('invalid cover key');
  return path.join(uploads, 'covers', key);
}

export async function storeCover(uploads: string, cover: Cover): Promise<string> {
  const key = `${randomBytes(16).toString('base64url')}-${cover.width}x${cover.height}.webp`;
  await fs.mkdir(path.join(uploads, 'covers'), { recursive: true });
  await fs.writeFile(coverPath(uploads, key), cover.data);
  return key;
}

export async function readCoverFile(uploads: string, key: string): Promise<Buffer> {
  return fs.readFile(coverPath(uploads, key));
}

export async function deleteCover(uploads: string, key: string | null): Promise<void> {
  if (key && COVER_KEY.test(key)) await fs.rm(coverPath(uploads, key), { force: true });
}
