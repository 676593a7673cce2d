import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Clock,
  LogPublisher,
  Logger,
  UnauthorizedLogin,
  UsernamePassword,
  findPluginProblems,
  parsePluginOptions,
  setPasswordInFile,
  type Portal,
} from '@tw/core';
import ircPlugin from '../../src/plugin/irc-plugin.js';
import { IRC_MOTD_FILE, SAMPLE_MOTD } from '../../src/plugin/sample-motd.js';
import { serverConfigFromOptions } from '../../src/plugin/server-config-from-options.js';
import { TLSCertificateCredentials } from '../../src/server/certificate-credentials.js';
import { IRC_ACCOUNT_INTERFACE, IRC_OPERATOR_INTERFACE } from '../../src/server/config.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tw-irc-plugin-'));
  clock = new Clock();
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

// The portals throttle failed logins on the reactor's clock: loginOutcome() moves it along.
let clock: Clock;
const context = () => ({
  reactor: clock,
  log: new Logger('irc-test', new LogPublisher()),
  dataDir,
});
const options = (raw: Record<string, unknown> = {}) => parsePluginOptions(ircPlugin, raw);

async function loginOutcome(portal: Portal | null, user: string, password: string, iface: string) {
  if (portal === null) return 'no portal';
  let settled = false;
  const outcome = portal
    .login(new UsernamePassword(user, password), null, iface)
    .asPromise()
    .then(
      (result) => result.avatar,
      (error: unknown) => (error instanceof UnauthorizedLogin ? 'refused' : error),
    );
  void outcome.finally(() => (settled = true));
  // Bounded: scrypt runs off the event loop, the throttle's delay on the virtual clock.
  for (let turn = 0; turn < 2000 && !settled; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    clock.advance(1);
  }
  return outcome;
}

describe('tw irc: the plugin', () => {
  it('is a well-formed plugin whose defaults listen on loopback 6667', () => {
    expect(findPluginProblems(ircPlugin)).toEqual([]);
    expect(ircPlugin.name).toBe('irc');
    expect(options().listen).toEqual(['tcp:6667:interface=127.0.0.1']);
  });

  it('maps the options onto the server config', async () => {
    const config = await serverConfigFromOptions(
      options({
        'server-name': 'irc.example.test',
        description: 'a test server',
        network: 'ExampleNet',
        motd: 'Hello there',
        'nick-len': '12',
        channelLen: 20,
        topicLen: 100,
        realnameLen: 50,
        utf8Only: true,
        maxConnectionsPerAddress: 0,
        floodBurst: 0,
        floodPerSecond: 5,
      }),
      context(),
    );
    expect(config).toMatchObject({
      serverName: 'irc.example.test',
      description: 'a test server',
      network: 'ExampleNet',
      motd: 'Hello there',
      nickLen: 12,
      channelLen: 20,
      topicLen: 100,
      realnameLen: 50,
      utf8Only: true,
      maxConnectionsPerAddress: 0,
      flood: { burst: 0, perSecond: 5 },
      operatorPortal: null,
      accountPortal: null,
    });
  });

  it('refuses negative limits and zero-length names with the option named', async () => {
    await expect(serverConfigFromOptions(options({ nickLen: 0 }), context())).rejects.toThrow(
      /--nick-len/,
    );
    await expect(
      serverConfigFromOptions(options({ floodPerSecond: -1 }), context()),
    ).rejects.toThrow(/--flood-per-second/);
  });

  it('reads the MOTD from a file, the data directory sample, or takes the text itself', async () => {
    await ircPlugin.prepareDataDir!(dataDir);
    expect(readFileSync(join(dataDir, IRC_MOTD_FILE), 'utf8')).toBe(SAMPLE_MOTD);
    expect((await serverConfigFromOptions(options(), context())).motd).toBe(SAMPLE_MOTD);

    const file = join(dataDir, 'my-motd');
    writeFileSync(file, 'line one\nline two\n');
    expect((await serverConfigFromOptions(options({ motd: file }), context())).motd).toBe(
      'line one\nline two\n',
    );
    await expect(
      serverConfigFromOptions(options({ motd: join(dataDir, 'missing.txt') }), context()),
    ).rejects.toThrow(/--motd.*no file/);
  });

  it('never overwrites an edited MOTD', async () => {
    await ircPlugin.prepareDataDir!(dataDir);
    writeFileSync(join(dataDir, IRC_MOTD_FILE), 'mine');
    await ircPlugin.prepareDataDir!(dataDir);
    expect(readFileSync(join(dataDir, IRC_MOTD_FILE), 'utf8')).toBe('mine');
  });

  it('checks OPER and SASL against the password file; only listed operators may OPER', async () => {
    const passwd = join(dataDir, 'passwd');
    await setPasswordInFile(passwd, 'demo', 'demo');
    await setPasswordInFile(passwd, 'alice', 'wonder');
    const config = await serverConfigFromOptions(options({ operators: ['demo'] }), context());

    const oper = config.operatorPortal;
    expect(await loginOutcome(oper, 'demo', 'demo', IRC_OPERATOR_INTERFACE)).toBe('demo');
    expect(await loginOutcome(oper, 'demo', 'wrong', IRC_OPERATOR_INTERFACE)).toBe('refused');
    expect(await loginOutcome(oper, 'alice', 'wonder', IRC_OPERATOR_INTERFACE)).toBe('refused');

    const sasl = config.accountPortal;
    expect(await loginOutcome(sasl, 'alice', 'wonder', IRC_ACCOUNT_INTERFACE)).toBe('alice');
    expect(await loginOutcome(sasl, 'alice', 'nope', IRC_ACCOUNT_INTERFACE)).toBe('refused');
  });

  it('logs in TLS client certificates named by --certificate-accounts with SASL EXTERNAL', async () => {
    const fingerprint = 'AB:'.repeat(31) + 'CD';
    const config = await serverConfigFromOptions(
      options({ certificateAccounts: [`alice=${fingerprint}`] }),
      context(),
    );
    const login = (print: string) =>
      config
        .accountPortal!.login(new TLSCertificateCredentials(print, ''), null, IRC_ACCOUNT_INTERFACE)
        .asPromise()
        .then(
          (result) => result.avatar,
          () => 'refused',
        );
    expect(await login(fingerprint.toLowerCase())).toBe('alice');
    expect(await login('00:'.repeat(31) + '00')).toBe('refused');
    await expect(
      serverConfigFromOptions(options({ certificateAccounts: ['alice'] }), context()),
    ).rejects.toThrow(/--certificate-accounts.*ACCOUNT=FINGERPRINT/);
  });

  it('needs the password file it is given to exist', async () => {
    await expect(
      serverConfigFromOptions(options({ passwordFile: join(dataDir, 'nope') }), context()),
    ).rejects.toThrow(/--password-file/);
  });
});
