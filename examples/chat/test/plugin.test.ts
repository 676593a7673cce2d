import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { findPluginProblems, parsePluginOptions } from '@tw/core';
import { startPluginService } from '@tw/core/testing';
import chatPlugin from '../src/plugin.js';

/** A line-reading chat client; `next(pattern)` waits for a line matching it. */
function chatClient(port: number) {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  socket.setEncoding('utf8');
  let buffer = '';
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const lines: string[] = [];
  const pump = (): void => {
    for (const waiter of [...waiting]) {
      const index = lines.findIndex((line) => waiter.pattern.test(line));
      if (index >= 0) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(lines.splice(0, index + 1)[index]!);
      }
    }
  };
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
    pump();
  });
  return {
    say: (line: string) => socket.write(`${line}\n`),
    next: (pattern: RegExp) =>
      new Promise<string>((resolve) => {
        waiting.push({ pattern, resolve });
        pump();
      }),
    close: () => socket.end(),
  };
}

describe('the tw chat plugin', () => {
  it('is a valid plugin listening on loopback port 7001 by default', () => {
    expect(findPluginProblems(chatPlugin)).toEqual([]);
    expect(parsePluginOptions(chatPlugin, {}).listen).toEqual(['tcp:7001:interface=127.0.0.1']);
  });

  it('puts people on different --listen ports in the same room', async () => {
    const running = await startPluginService(chatPlugin, {
      listen: ['tcp:0:interface=127.0.0.1', 'tcp:0:interface=127.0.0.1'],
    });
    try {
      const [first, second] = running.ports;
      const alice = chatClient(first!);
      await alice.next(/What is your name/);
      alice.say('alice');
      await alice.next(/^Hello alice/);
      const bob = chatClient(second!);
      await bob.next(/What is your name/);
      bob.say('bob');
      await alice.next(/^\* bob joined/);
      bob.say('hi from the other port');
      expect(await alice.next(/^<bob>/)).toBe('<bob> hi from the other port');
      alice.close();
      bob.close();
    } finally {
      await running.stop();
    }
  });
});
