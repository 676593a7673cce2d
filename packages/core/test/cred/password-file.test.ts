import fc from 'fast-check';
import { mkdtemp, readFile, readdir, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidUsername,
  PasswordFileChecker,
  Portal,
  SimpleRealm,
  UnauthorizedLogin,
  UsernamePassword,
  hashPassword,
  parsePasswordFile,
  removeUserFromPasswordFile,
  setPasswordInFile,
  type PasswordFileProblem,
} from '../../src/index.js';

const FAST = { N: 1024, r: 8, p: 1 };
let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tw-cred-'));
  path = join(dir, 'passwd');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const login = (checker: PasswordFileChecker, username: string, password: string) =>
  checker.requestAvatarId(new UsernamePassword(username, password));

describe('parsePasswordFile', () => {
  it('reads users, skipping comments and blank lines, accepting CRLF', async () => {
    const alice = await hashPassword('a', FAST);
    const bob = await hashPassword('b', FAST);
    const text = `# users\r\n\r\nalice:${alice}\r\n   # indented comment\n  bob:${bob}  \n`;
    const { entries, problems } = parsePasswordFile(text);
    expect([...entries.keys()]).toEqual(['alice', 'bob']);
    expect(problems).toEqual([]);
  });

  it('skips malformed lines and says which, without repeating what was on them', async () => {
    const good = await hashPassword('a', FAST);
    const text = [
      `alice:${good}`,
      'carol:hunter2',
      'no separator here',
      `:${good}`,
      `alice:${await hashPassword('other', FAST)}`,
      'dave:$scrypt$N=1023,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ].join('\n');
    const { entries, problems } = parsePasswordFile(text, '/etc/tw/passwd');
    expect([...entries.keys()]).toEqual(['alice']);
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6]);
    expect(problems[0]).toMatchObject({ username: 'carol' });
    expect(problems[0]!.message).toMatch(
      /^\/etc\/tw\/passwd:2: user 'carol' ignored\. The password hash is malformed/,
    );
    expect(problems[3]!.message).toMatch(/appears again; the first line counts/);
    for (const problem of problems) {
      expect(problem.message).not.toContain('hunter2');
      expect(problem.message).not.toContain('no separator here');
    }
  });

  it('never puts what follows the colon into a problem message', () => {
    fc.assert(
      // '§' appears in no message, so finding the secret in one means it was copied there.
      fc.property(
        fc.stringMatching(/^[a-z]{1,8}$/),
        fc.string({ minLength: 1 }),
        (username, rest) => {
          const secret = `§${rest.replace(/[\r\n]/g, '')}`.trim();
          const { problems } = parsePasswordFile(`${username}:${secret}\n`);
          expect(problems).toHaveLength(1);
          for (const problem of problems) expect(problem.message).not.toContain(secret);
        },
      ),
    );
  });
});

describe('setPasswordInFile', () => {
  it('creates the file with mode 0600 and an entry the checker accepts', async () => {
    await setPasswordInFile(path, 'alice', 'wonder', FAST);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text).toMatch(/^alice:\$scrypt\$N=1024,r=8,p=1\$[^$]+\$[^$]+\n$/);
    expect(text).not.toContain('wonder');
    expect(await login(new PasswordFileChecker(path), 'alice', 'wonder')).toBe('alice');
  });

  it('replaces the user’s line in place, keeps comments and other users, drops stale duplicates', async () => {
    const bob = await hashPassword('b', FAST);
    await writeFile(path, `# header\nalice:old\nbob:${bob}\n\n# trailer\nalice:older\n`, {
      mode: 0o644,
    });
    await setPasswordInFile(path, 'alice', 'new', FAST);
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines[0]).toBe('# header');
    expect(lines[1]).toMatch(/^alice:\$scrypt\$/);
    expect(lines.slice(2)).toEqual([`bob:${bob}`, '', '# trailer', '']);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('leaves no temporary file behind', async () => {
    await setPasswordInFile(path, 'alice', 'a', FAST);
    await setPasswordInFile(path, 'bob', 'b', FAST);
    expect(await readdir(dir)).toEqual(['passwd']);
  });

  it('keeps every user when several are set at once', async () => {
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    await Promise.all(users.map((u) => setPasswordInFile(path, u, `pw-${u}`, FAST)));
    const { entries, problems } = parsePasswordFile(await readFile(path, 'utf8'));
    expect([...entries.keys()].sort()).toEqual(users);
    expect(problems).toEqual([]);
  });

  it.each([[''], ['a:b'], ['has space'], ['#comment'], ['tab\there'], ['x'.repeat(257)]])(
    'refuses the user name %j with InvalidUsername, writing nothing',
    async (username) => {
      await expect(setPasswordInFile(path, username, 'pw', FAST)).rejects.toBeInstanceOf(
        InvalidUsername,
      );
      await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    },
  );

  it('removes a user', async () => {
    await setPasswordInFile(path, 'alice', 'a', FAST);
    await setPasswordInFile(path, 'bob', 'b', FAST);
    expect(await removeUserFromPasswordFile(path, 'alice')).toBe(true);
    expect(await removeUserFromPasswordFile(path, 'alice')).toBe(false);
    expect([...parsePasswordFile(await readFile(path, 'utf8')).entries.keys()]).toEqual(['bob']);
  });
});

describe('PasswordFileChecker', () => {
  it('refuses unknown users and wrong passwords alike', async () => {
    await setPasswordInFile(path, 'alice', 'wonder', FAST);
    const checker = new PasswordFileChecker(path);
    await expect(login(checker, 'alice', 'guess')).rejects.toBeInstanceOf(UnauthorizedLogin);
    await expect(login(checker, 'nobody', 'wonder')).rejects.toBeInstanceOf(UnauthorizedLogin);
  });

  it('sees changes to the file without a restart', async () => {
    await setPasswordInFile(path, 'alice', 'first', FAST);
    const checker = new PasswordFileChecker(path);
    expect(await login(checker, 'alice', 'first')).toBe('alice');
    await setPasswordInFile(path, 'alice', 'second', FAST);
    await setPasswordInFile(path, 'bob', 'b', FAST);
    await expect(login(checker, 'alice', 'first')).rejects.toBeInstanceOf(UnauthorizedLogin);
    expect(await login(checker, 'alice', 'second')).toBe('alice');
    expect(await login(checker, 'bob', 'b')).toBe('bob');
    await removeUserFromPasswordFile(path, 'bob');
    await expect(login(checker, 'bob', 'b')).rejects.toBeInstanceOf(UnauthorizedLogin);
  });

  it('surfaces malformed lines once per change of the file, and still serves the good ones', async () => {
    await writeFile(path, `carol:plaintext-oops\nalice:${await hashPassword('a', FAST)}\n`, {
      mode: 0o600,
    });
    const seen: PasswordFileProblem[] = [];
    const warnings: Array<Record<string, unknown> | undefined> = [];
    const logger = {
      warn: (_f: string, fields?: Record<string, unknown>) => warnings.push(fields),
    };
    const checker = new PasswordFileChecker(path, {
      onProblem: (p) => seen.push(p),
      logger: logger as never,
    });
    expect(await login(checker, 'alice', 'a')).toBe('alice');
    await expect(login(checker, 'carol', 'plaintext-oops')).rejects.toBeInstanceOf(
      UnauthorizedLogin,
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ line: 1, username: 'carol' });
    expect(checker.problems).toEqual(seen);
    expect(JSON.stringify(warnings)).not.toContain('plaintext-oops');
    expect(warnings).toHaveLength(1);
  });

  it('reports a missing file and lets nobody in until it exists', async () => {
    const checker = new PasswordFileChecker(path);
    await expect(login(checker, 'alice', 'a')).rejects.toBeInstanceOf(UnauthorizedLogin);
    expect(checker.problems[0]!.message).toMatch(/does not exist.*tw passwd/);
    await setPasswordInFile(path, 'alice', 'a', FAST);
    expect(await login(checker, 'alice', 'a')).toBe('alice');
    expect(checker.problems).toEqual([]);
  });

  it('warns when other users can read the hashes', async () => {
    await setPasswordInFile(path, 'alice', 'a', FAST);
    await chmod(path, 0o644);
    const problems = await new PasswordFileChecker(path).reload();
    expect(problems[0]!.message).toMatch(/mode 644.*chmod 600/);
  });

  it('works behind a Portal', async () => {
    await setPasswordInFile(path, 'alice', 'wonder', FAST);
    const portal = new Portal(new SimpleRealm({ 'ftp.shell': (id) => `shell:${String(id)}` }), [
      new PasswordFileChecker(path),
    ]);
    const { avatar } = await portal.login(
      new UsernamePassword('alice', 'wonder'),
      null,
      'ftp.shell',
    );
    expect(avatar).toBe('shell:alice');
  });
});
