import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The directory under a `tw` data directory where the finger plugin keeps its users. */
export const FINGER_DATA_SUBDIR = 'finger';

/**
 * Write a sample user `demo` (a `.plan` and an `info.json`) under `root`, leaving any file that
 * already exists untouched — the user's edits win over our samples.
 */
export async function writeSampleFingerUsers(root: string): Promise<void> {
  const home = join(root, 'demo');
  await mkdir(home, { recursive: true });
  await writeIfMissing(
    join(home, 'info.json'),
    `${JSON.stringify({ name: 'Demo User', office: 'Loopback 127' }, null, 2)}\n`,
  );
  await writeIfMissing(join(home, '.project'), 'Trying out @tw, one protocol at a time.\n');
  await writeIfMissing(
    join(home, '.plan'),
    [
      'Serve finger from TypeScript.',
      'Edit this file (.tw-data/finger/demo/.plan) and finger me again.',
      '',
    ].join('\n'),
  );
}

async function writeIfMissing(path: string, content: string): Promise<void> {
  try {
    // 'wx' fails when the file exists, so a concurrent first start cannot clobber it either.
    await writeFile(path, content, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
