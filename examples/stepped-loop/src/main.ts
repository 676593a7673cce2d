// `node dist/main.js [--connect <endpoint>] [--lines N] [--fps N] [--every N]` — a terminal
// program with its own fixed-rate loop that drives a SteppedReactor: every tick it calls
// reactor.iterate(), sends the next line to an echo server, and redraws a status line.
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';

import {
  Factory,
  StandardIO,
  SteppedReactor,
  clientFromString,
  formatAddress,
  serverFromString,
} from '@tw/core';

import { EchoLineClient } from './echo-line-client.js';
import { runHostLoop } from './host-loop.js';
import { KeyCommands } from './key-commands.js';
import { lineEchoFactory } from './line-echo-server.js';
import { StatusLine } from './status-line.js';

const { values } = parseArgs({
  options: {
    connect: { type: 'string' },
    lines: { type: 'string', default: '5' },
    fps: { type: 'string', default: '30' },
    every: { type: 'string', default: '3' },
  },
});

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`stepped-loop: --${name} needs a whole number of 1 or more, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const lineCount = positiveInteger('lines', values.lines);
const fps = positiveInteger('fps', values.fps);
const every = positiveInteger('every', values.every);
const lines = Array.from({ length: lineCount }, (_, i) => `line ${i + 1} of ${lineCount}`);

const ui = new StatusLine(process.stdout);
// SIGINT/SIGTERM become reactor.stop(); the shutdown then runs inside the host's ticks.
const reactor = new SteppedReactor();
let client: EchoLineClient | null = null;
let problem: string | null = null;
let stopped = false;

let stopping = false;
/** Stop once, whoever asks first: the conversation, a key, a failure or a signal. */
const stop = (): void => {
  if (stopping || !reactor.running) return;
  stopping = true;
  reactor.stop();
};

reactor.addSystemEventTrigger('before', 'shutdown', () => {
  stopping = true; // also when SIGINT/SIGTERM started it
  // A shutdown the conversation did not ask for: a key, Ctrl-C or SIGTERM.
  if (client !== null && !client.progress.finished) problem ??= 'interrupted';
});
reactor.run().addCallback(() => {
  stopped = true;
});

/** Connect the echo client to `endpoint`; the conversation ends the program. */
function converse(endpoint: string): void {
  const protocol = new EchoLineClient(reactor, lines, stop);
  clientFromString(reactor, endpoint)
    .connect(Factory.forProtocol(() => protocol))
    .addCallbacks(
      () => {
        client = protocol;
        ui.print(`stepped-loop: connected to ${endpoint}`);
      },
      (failure) => {
        problem = `could not connect to ${endpoint}: ${failure.getErrorMessage()}`;
        stop();
      },
    );
}

// On a terminal, keys are input too: raw mode, read through the reactor like any transport.
let keys: StandardIO | null = null;
if (process.stdin.isTTY) {
  process.stdin.setRawMode(true);
  const ignoreOutput = new Writable({ write: (_chunk, _encoding, done) => done() });
  keys = new StandardIO(reactor.steppedProtocol(new KeyCommands(stop)), reactor, {
    stdout: ignoreOutput,
  });
  ui.print('stepped-loop: press q to quit');
}

if (values.connect !== undefined) {
  converse(values.connect);
} else {
  // No server given: run a line echo server on the same reactor, on a free loopback port.
  serverFromString(reactor, 'tcp:0:interface=127.0.0.1')
    .listen(lineEchoFactory())
    .addCallbacks(
      (port) => {
        const address = port.getHost();
        ui.print(`stepped-loop: built-in echo server on ${formatAddress(address)}`);
        if (address.family === 'IPv4') converse(`tcp:host=127.0.0.1:port=${address.port}`);
      },
      (failure) => {
        problem = `could not listen: ${failure.getErrorMessage()}`;
        stop();
      },
    );
}

const ticks = await runHostLoop(reactor, {
  fps,
  tick: (tick, nextTimer) => {
    if (stopped) return false;
    // The host's own logic: one line every `every` ticks, then a redraw.
    if (tick % every === 0) client?.sendNext();
    const progress = client?.progress;
    if (progress !== undefined) ui.draw({ tick, progress, nextTimer });
    return true;
  },
});

if (keys !== null) {
  keys.loseConnection(); // stops reading stdin, so the process can exit
  process.stdin.setRawMode(false);
}

const progress = client === null ? null : (client as EchoLineClient).progress;
problem ??= progress?.error ?? null;
const echoed = progress?.echoed ?? 0;
if (problem === null && echoed === lineCount) {
  ui.print(`stepped-loop: ${echoed}/${lineCount} lines echoed in ${ticks} ticks at ${fps} fps`);
} else {
  ui.print(
    `stepped-loop: stopped after ${ticks} ticks, ${echoed}/${lineCount} lines echoed` +
      (problem === null ? '' : ` (${problem})`),
  );
  process.exitCode = 1;
}
