import type { FileStat } from '@tw/vfs';
import { describe, expect, it } from 'vitest';
import { openFlags } from '../../src/sftp/sftp-session.js';
import { modeString, sftpLongname } from '../../src/index.js';

const stat = (overrides: Partial<FileStat>): FileStat => ({
  type: 'file',
  size: 1234,
  mode: 0o100644,
  uid: 1000,
  gid: 100,
  nlink: 1,
  atime: new Date(2026, 10, 21, 8, 5),
  mtime: new Date(2026, 10, 21, 8, 5),
  ...overrides,
});

describe('ls -l formatting (as OpenSSH sftp-server writes longnames)', () => {
  it.each([
    [0o100644, '-rw-r--r--'],
    [0o040755, 'drwxr-xr-x'],
    [0o120777, 'lrwxrwxrwx'],
    [0o104755, '-rwsr-xr-x'],
    [0o102644, '-rw-r-Sr--'],
    [0o041777, 'drwxrwxrwt'],
    [0o010600, 'prw-------'],
  ])('mode %o is %s', (mode, text) => {
    expect(modeString(mode)).toBe(text);
  });

  it('shows the time of day for recent files and the year for old ones', () => {
    const now = new Date(2026, 10, 21, 9, 0);
    expect(sftpLongname('a.txt', stat({}), now)).toBe(
      '-rw-r--r--    1 1000     100          1234 Nov 21 08:05 a.txt',
    );
    expect(sftpLongname('old', stat({ mtime: new Date(2020, 0, 5, 12, 0) }), now)).toBe(
      '-rw-r--r--    1 1000     100          1234 Jan  5  2020 old',
    );
  });
});

describe('OPEN pflags', () => {
  it('maps READ/WRITE/APPEND/CREAT/TRUNC/EXCL, reading when neither access bit is set', () => {
    expect(openFlags(0x01)).toMatchObject({ read: true, write: false });
    expect(openFlags(0x02 | 0x08 | 0x10)).toMatchObject({
      read: false,
      write: true,
      create: true,
      truncate: true,
      exclusive: false,
    });
    expect(openFlags(0x04)).toMatchObject({ write: true, append: true });
    expect(openFlags(0x02 | 0x08 | 0x20)).toMatchObject({ create: true, exclusive: true });
    expect(openFlags(0)).toMatchObject({ read: true, write: false });
  });
});
