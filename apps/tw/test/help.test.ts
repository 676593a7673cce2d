import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftovers, repoRoot, runTw, tempDir } from './harness.js';

const fingerVersion = (
  JSON.parse(readFileSync(join(repoRoot, 'examples', 'finger', 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

afterEach(killLeftovers);

describe('tw --help', () => {
  it('lists the installed plugins with their descriptions, third-party ones with their package', async () => {
    const { code, stdout } = await runTw(['--help']);
    expect(code).toBe(0);
    const plugins = stdout.slice(stdout.indexOf('Plugins:'));
    expect(plugins).toMatch(/^ {2}echo \[options\] +Echo \(RFC 862\)/m);
    expect(plugins).toMatch(/^ {2}chat \[options\] +A line-based chat room/m);
    expect(plugins).toMatch(/^ {2}finger \[options\] +Finger \(RFC 1288\)/m);
    expect(plugins).toContain('[tw-finger]');
    expect(stdout).toMatch(/^ {2}serve /m);
    expect(stdout).toMatch(/^ {2}passwd /m);
  });

  it("shows a plugin's options as flags made from its option data", async () => {
    const { code, stdout } = await runTw(['finger', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--listen <endpoint>');
    expect(stdout).toContain('--max-query-length <number>');
    expect(stdout).toContain('--allow-listing');
    expect(stdout).toContain('--no-allow-listing');
    expect(stdout).toContain(
      `From tw-finger@${fingerVersion} (${join(repoRoot, 'examples', 'finger')})`,
    );
  });

  it('`tw plugins` says which package each plugin comes from', async () => {
    const { code, stdout } = await runTw(['plugins']);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(
        `^finger +tw-finger@${fingerVersion.replace(/\./g, '\\.')} +${join(repoRoot, 'examples', 'finger')}$`,
        'm',
      ),
    );
    expect(stdout).toMatch(/^echo +@tw\/example-echo/m);
  });

  describe('with --plugin-path / TW_PLUGIN_PATH', () => {
    let dir: ReturnType<typeof tempDir> | null = null;
    afterEach(() => dir?.remove());

    function install(name: string, packageJson: object, files: Record<string, string>): void {
      const packageDir = join(dir!.path, 'node_modules', name);
      mkdirSync(packageDir, { recursive: true });
      writeFileSync(
        join(packageDir, 'package.json'),
        JSON.stringify({ name, type: 'module', ...packageJson }),
      );
      for (const [file, text] of Object.entries(files)) writeFileSync(join(packageDir, file), text);
    }

    it('finds plugins installed elsewhere, and reports broken ones as warnings', async () => {
      dir = tempDir('tw-plugins-');
      install(
        'tw-hello',
        { tw: { plugins: ['./plugin.js'] } },
        {
          'plugin.js': `export default { name: 'hello', description: 'Says hello', options: [], makeService() { throw new Error('unused'); } };`,
        },
      );
      install('tw-broken', { tw: { plugins: ['./missing.js'] } }, {});

      const viaFlag = await runTw(['--plugin-path', dir.path, '--help']);
      expect(viaFlag.code).toBe(0);
      expect(viaFlag.stdout).toMatch(/^ {2}hello +Says hello \[tw-hello\]/m);
      expect(viaFlag.stdout).toContain('Warnings:');
      expect(viaFlag.stdout).toContain('tw-broken');

      const viaEnv = await runTw(['--help'], { env: { TW_PLUGIN_PATH: dir.path } });
      expect(viaEnv.stdout).toMatch(/^ {2}hello +Says hello/m);
    });
  });
});
