/**
 * Interop: irssi (Debian's irssi, run headless under `script` for the terminal it wants) against
 * our server. irssi connects from a config of its own, joins #test and talks there; a client of
 * ours (a raw socket, so only the server is under test) asks it for CTCP VERSION and answers,
 * and a small irssi script quits once that answer arrives. Both sides are checked: our client's
 * lines, and irssi's channel log. In CI a missing irssi fails; elsewhere it skips loudly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawIRCClient } from './raw-irc-client.js';
import { requirePeer, startOurServer, type OurServer } from './our-server.js';

const works = (command: string, args: string[]): boolean => {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
};
const HAVE_IRSSI = requirePeer(
  works('irssi', ['--version']) && works('script', ['--version']),
  'irssi (and script from util-linux)',
  'the Debian packages irssi and bsdutils',
  'test/interop/server-irssi.test.ts',
);
const SCRIPT = fileURLToPath(new URL('./fixtures/irssi_interop.pl', import.meta.url));

/** An irssi home: a config that autoconnects to `port` and a script that quits on cue. */
function irssiHome(port: number): string {
  const home = mkdtempSync(join(tmpdir(), 'tw-irc-irssi-'));
  mkdirSync(join(home, 'scripts', 'autorun'), { recursive: true });
  copyFileSync(SCRIPT, join(home, 'scripts', 'autorun', 'irssi_interop.pl'));
  writeFileSync(
    join(home, 'config'),
    `servers = (
  { address = "127.0.0.1"; chatnet = "interop"; port = "${port}"; autoconnect = "yes"; use_tls = "no"; }
);
chatnets = {
  interop = { type = "IRC"; autosendcmd = "/join #test; /msg #test hello from irssi"; };
};
settings = {
  "irc/core" = { cmd_queue_speed = "0msec"; cmds_max_at_once = "1000"; };
  core = { real_name = "Irssi interop"; user_name = "irssi"; nick = "irssin"; };
  "fe-common/core" = { autolog = "yes"; autolog_path = "${home}/logs/$0.log"; };
};
`,
  );
  return home;
}

let running: ChildProcess | null = null;

/** Run irssi in `home` to its end (it quits itself); resolves with its exit code. */
function runIrssi(home: string): Promise<number | null> {
  return new Promise((resolve) => {
    // irssi is a terminal program: `script` gives it a pseudo-terminal and no one to read it.
    // Its flood queue is off (irc/core settings above): queued CTCP replies would stall the test.
    const child = spawn('script', ['-qec', `irssi --home=${home}`, '/dev/null'], {
      // stdin stays open (at EOF `script` stops relaying) and the screen output is drained.
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, TERM: 'xterm' },
    });
    running = child;
    child.stdout.resume();
    child.stderr.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      child.stdin.end();
      running = null;
      resolve(code);
    });
  });
}

describe.skipIf(!HAVE_IRSSI)('irssi against our server', () => {
  let server: OurServer;
  let home = '';
  beforeAll(async () => {
    server = await startOurServer('tcp');
  });
  afterAll(async () => {
    // A failed run must not leave irssi behind (closing its terminal ends irssi too).
    running?.kill('SIGKILL');
    await server.stop();
    if (home !== '') rmSync(home, { recursive: true, force: true });
  });

  it('connects, joins, talks, answers CTCP VERSION, and quits', { timeout: 45_000 }, async () => {
    const ours = await RawIRCClient.register(server.port, 'ours');
    ours.send('JOIN #test');
    await ours.waitFor((line) => / 366 ours #test /.test(line));

    home = irssiHome(server.port);
    const irssi = runIrssi(home);
    await ours.waitFor((line) => /^:irssin!\S+ PRIVMSG #test :hello from irssi$/.test(line));
    ours.send('PRIVMSG irssin :\x01VERSION\x01');
    // The CTCP reply: a NOTICE framed by \x01 bytes.
    const version = await ours.waitFor(
      (line) => line.startsWith(':irssin!') && line.includes(' NOTICE ours :\x01VERSION '),
    );
    expect(version).toMatch(/irssi/i);
    ours.send('PRIVMSG #test :hello back');
    const quit = await ours.waitFor((line) => /^:irssin!\S+ QUIT /.test(line));
    expect(await irssi).toBe(0);

    expect(ours.lines).toContainEqual(expect.stringMatching(/^:irssin!~?irssi@\S+ JOIN :?#test$/));
    expect(quit).toMatch(/bye from irssi/);
    // irssi's own record of the channel: its message and ours.
    const log = readFileSync(join(home, 'logs', '#test.log'), 'utf8');
    expect(log).toMatch(/< ?irssin> hello from irssi/);
    expect(log).toMatch(/< ?@?ours> hello back/);
    await ours.quit();
  });
});
