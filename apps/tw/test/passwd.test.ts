import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PasswordFileChecker, UnauthorizedLogin, UsernamePassword } from '@tw/core';
import { killLeftovers, runTw, tempDir } from './harness.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('tw-passwd-');
});
afterEach(() => {
  killLeftovers();
  dir.remove();
});

async function login(file: string, username: string, password: string): Promise<unknown> {
  const checker = new PasswordFileChecker(file);
  return checker.requestAvatarId(new UsernamePassword(username, password)).then(
    (avatar) => avatar,
    (error: unknown) => error,
  );
}

describe('tw passwd', () => {
  it('writes an scrypt entry the password file checker accepts, and changes it when run again', async () => {
    const file = join(dir.path, 'users', 'passwd');
    const first = await runTw(['passwd', '--file', file, 'alice', '--password-stdin'], {
      input: 'correct horse\n',
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Password for alice set in ${file}`);
    expect(await login(file, 'alice', 'correct horse')).toBe('alice');
    expect(await login(file, 'alice', 'wrong')).toBeInstanceOf(UnauthorizedLogin);

    const second = await runTw(['passwd', '--file', file, 'alice'], { input: 'battery staple\n' });
    expect(second.code).toBe(0);
    expect(await login(file, 'alice', 'battery staple')).toBe('alice');
    expect(await login(file, 'alice', 'correct horse')).toBeInstanceOf(UnauthorizedLogin);
  });

  it('writes to <data dir>/passwd by default', async () => {
    const result = await runTw(['passwd', 'bob'], {
      input: 'pw\n',
      env: { TW_DATA_DIR: dir.path },
    });
    expect(result.code).toBe(0);
    expect(await login(join(dir.path, 'passwd'), 'bob', 'pw')).toBe('bob');
  });

  it('refuses an empty password with exit code 2', async () => {
    const result = await runTw(['passwd', '--file', join(dir.path, 'passwd'), 'carol'], {
      input: '\n',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('The password is empty');
  });
});
