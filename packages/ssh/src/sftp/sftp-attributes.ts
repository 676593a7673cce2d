import type { FileStat, SetAttributes } from '@tw/vfs';
import type { Attributes } from 'ssh2';

/** SFTP v3 ATTRS for a stat (times in whole seconds, as the protocol carries them). */
export function attributesFromStat(stat: FileStat): Attributes {
  return {
    mode: stat.mode,
    uid: stat.uid,
    gid: stat.gid,
    size: stat.size,
    atime: Math.floor(stat.atime.getTime() / 1000),
    mtime: Math.floor(stat.mtime.getTime() / 1000),
  };
}

/**
 * What a SETSTAT/FSETSTAT/OPEN asks to change. ssh2 fills only the fields whose flag was set.
 * uid/gid are ignored: a user of the server cannot give files away (as with a non-root sshd).
 */
export function setAttributesFromSFTP(attributes: Partial<Attributes>): SetAttributes {
  const wanted: { -readonly [K in keyof SetAttributes]: SetAttributes[K] } = {};
  if (typeof attributes.mode === 'number') wanted.mode = attributes.mode & 0o7777;
  if (typeof attributes.size === 'number') wanted.size = attributes.size;
  if (typeof attributes.atime === 'number') wanted.atime = new Date(attributes.atime * 1000);
  if (typeof attributes.mtime === 'number') wanted.mtime = new Date(attributes.mtime * 1000);
  return wanted;
}

const TYPE_CHARS: Record<number, string> = {
  0o140000: 's',
  0o120000: 'l',
  0o100000: '-',
  0o060000: 'b',
  0o040000: 'd',
  0o020000: 'c',
  0o010000: 'p',
};

/** `drwxr-xr-x` from a full st_mode, setuid/setgid/sticky included (as `ls` prints them). */
export function modeString(mode: number): string {
  const type = TYPE_CHARS[mode & 0o170000] ?? '?';
  const triplet = (bits: number, special: boolean, specialChar: string): string => {
    const x = (bits & 1) !== 0;
    const exec = special ? (x ? specialChar : specialChar.toUpperCase()) : x ? 'x' : '-';
    return ((bits & 4) !== 0 ? 'r' : '-') + ((bits & 2) !== 0 ? 'w' : '-') + exec;
  };
  return (
    type +
    triplet((mode >> 6) & 7, (mode & 0o4000) !== 0, 's') +
    triplet((mode >> 3) & 7, (mode & 0o2000) !== 0, 's') +
    triplet(mode & 7, (mode & 0o1000) !== 0, 't')
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;

/**
 * The `ls -l` line OpenSSH's sftp-server sends as a READDIR longname (its `ls_file`): mode, link
 * count, owner, group, size, date (time of day within six months, else the year), name. The
 * `sftp` client prints it verbatim for `ls -l`.
 */
export function longname(name: string, stat: FileStat, now: Date = new Date()): string {
  const mtime = stat.mtime;
  const day = String(mtime.getDate()).padStart(2, ' ');
  const recent = Math.abs(now.getTime() - mtime.getTime()) < SIX_MONTHS_MS;
  const when = recent
    ? `${String(mtime.getHours()).padStart(2, '0')}:${String(mtime.getMinutes()).padStart(2, '0')}`
    : ` ${mtime.getFullYear()}`;
  const date = `${MONTHS[mtime.getMonth()] ?? '???'} ${day} ${when}`;
  const owner = String(stat.uid).padEnd(8, ' ');
  const group = String(stat.gid).padEnd(8, ' ');
  const nlink = String(stat.nlink).padStart(3, ' ');
  const size = String(stat.size).padStart(8, ' ');
  return `${modeString(stat.mode)}  ${nlink} ${owner} ${group} ${size} ${date} ${name}`;
}
