import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TEMPLATE_DUMP = path.join(ROOT, 'tmp', 'test-template.tar');
export const PG_TEMPLATE_DB = 'kizuna_test_template';
