import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, runTw, tempDir } from './harness.js';

afterEach(killLeftovers);
const dir = tempDir('tw-usage-');
afterAll(() => dir.remove());

/** Every case must fail before anything listens: exit code 2, a message on stderr. */
async function expectUsageError(args: string[], message: RegExp): Promise<void> {
  const { code, stderr, stdout } = await runTw(args, {
    env: { TW_DATA_DIR: join(dir.path, 'data') },
  });
  expect(stderr).toMatch(message);
  expect(stdout).not.toContain('tw is serving');
  expect(code).toBe(2);
}

describe('bad command lines exit with code 2 and say what was wrong', () => {
  it('an unknown plugin', async () => {
    await expectUsageError(['gopher'], /unknown command 'gopher'/);
  });

  it('an unknown option', async () => {
    await expectUsageError(['echo', '--lisen', 'tcp:0'], /unknown option '--lisen'/);
  });

  it('an option value of the wrong type, naming the option', async () => {
    await expectUsageError(['finger', '--max-query-length', 'lots'], /--max-query-length.*"lots"/);
  });

  it('an endpoint that does not parse', async () => {
    await expectUsageError(['echo', '--listen', 'carrier-pigeon:7000'], /--listen|carrier-pigeon/);
  });

  it('a bad --log-format', async () => {
    await expectUsageError(['--log-format', 'xml', 'echo'], /--log-format.*xml/);
  });

  it('no command at all (the help goes to stderr)', async () => {
    await expectUsageError([], /Usage: tw/);
  });

  it('a config file that does not exist', async () => {
    await expectUsageError(
      ['serve', '--config', join(dir.path, 'nope.json')],
      /nope\.json: cannot be read/,
    );
  });

  it('a config file naming a plugin that is not installed', async () => {
    const path = join(dir.path, 'gopher.json');
    writeFileSync(path, JSON.stringify({ services: [{ plugin: 'gopher' }] }));
    await expectUsageError(['serve', '--config', path], /"gopher", which is not installed/);
  });

  it('a config file with a bad option value, naming the service and option', async () => {
    const path = join(dir.path, 'bad-option.json');
    writeFileSync(
      path,
      JSON.stringify({ services: [{ plugin: 'finger', options: { maxPlanBytes: 'big' } }] }),
    );
    await expectUsageError(
      ['serve', '--config', path],
      /services\[0\] \(finger\).*--max-plan-bytes/,
    );
  });
});
