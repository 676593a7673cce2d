import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { LocalFilesystem, MemoryFilesystem } from '../src/index.js';
import { describeFilesystemContract } from './filesystem-contract.js';

const temp = mkdtempSync(join(tmpdir(), 'tw-vfs-contract-'));
let count = 0;
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describeFilesystemContract('MemoryFilesystem', () => Promise.resolve(new MemoryFilesystem()));
describeFilesystemContract('LocalFilesystem', async () => {
  const root = join(temp, `root-${count++}`);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(root);
  return new LocalFilesystem(root);
});
