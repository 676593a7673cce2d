import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Protocol, clientFromString, serverFromString } from '@tw/core';
import { SimulatedNetwork } from '@tw/core/virtual';
import { Recorder, encode, factoryOf } from './helpers.js';

/** What the clock may be asked to do, for the model check below. */
type Operation =
  | { readonly kind: 'schedule'; readonly delay: number }
  | { readonly kind: 'cancel'; readonly pick: number }
  | { readonly kind: 'reset'; readonly pick: number; readonly delay: number }
  | { readonly kind: 'advance'; readonly seconds: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('schedule' as const),
      delay: fc.integer({ min: 0, max: 20 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reset' as const),
      pick: fc.nat(),
      delay: fc.integer({ min: 0, max: 20 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      seconds: fc.integer({ min: 0, max: 8 }),
    }),
  },
);

describe('the virtual clock under many timers', () => {
  it('runs calls in (time, scheduling order) whatever is scheduled, cancelled and reset', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 300 }), (operations) => {
        const network = new SimulatedNetwork({ autoAdvance: false });
        const host = network.addHost('a');
        // The model: every pending call with its time and the order it was (re)scheduled in.
        const pending = new Map<number, { time: number; order: number }>();
        const calls = new Map<number, ReturnType<typeof host.callLater>>();
        const ran: number[] = [];
        const expected: number[] = [];
        let order = 0;
        let id = 0;
        const runModelUntil = (time: number): void => {
          const due = [...pending.entries()]
            .filter(([, call]) => call.time <= time)
            .sort(([, a], [, b]) => a.time - b.time || a.order - b.order);
          for (const [name] of due) {
            expected.push(name);
            pending.delete(name);
          }
        };
        for (const step of operations) {
          const live = [...pending.keys()];
          if (step.kind === 'schedule') {
            const name = id++;
            calls.set(
              name,
              host.callLater(step.delay, () => ran.push(name)),
            );
            pending.set(name, { time: network.seconds() + step.delay, order: order++ });
          } else if (step.kind === 'cancel' && live.length > 0) {
            const name = live[step.pick % live.length]!;
            calls.get(name)!.cancel();
            pending.delete(name);
          } else if (step.kind === 'reset' && live.length > 0) {
            const name = live[step.pick % live.length]!;
            calls.get(name)!.reset(step.delay);
            pending.set(name, { time: network.seconds() + step.delay, order: order++ });
          } else if (step.kind === 'advance') {
            network.advanceSync(step.seconds);
            runModelUntil(network.seconds());
          }
          expect(host.getDelayedCalls()).toHaveLength(pending.size);
        }
        network.advanceSync(100);
        runModelUntil(network.seconds());
        expect(ran).toEqual(expected);
        network.shutdown();
      }),
      { numRuns: 200 },
    );
  });
});

describe('window updates', () => {
  it('bufferedAmount counts what the peer has not consumed, until its window update arrives', async () => {
    const network = new SimulatedNetwork({ autoAdvance: false, latency: 0.1 });
    const server = network.addHost('server');
    const client = network.addHost('client');
    const reader = new Recorder(() => network.seconds());
    await serverFromString(server, 'tcp:7').listen(factoryOf(() => reader));
    const writer = new Protocol();
    await network.runUntil(
      clientFromString(client, 'tcp:host=server:port=7').connect(factoryOf(() => writer)),
    );
    const transport = writer.transport as unknown as { bufferedAmount: number };
    const sentAt = network.seconds();
    writer.transport!.write(encode('x'.repeat(1000)));
    expect(transport.bufferedAmount).toBe(1000);
    await network.runUntil(() => reader.text.length === 1000);
    expect(network.seconds() - sentAt).toBeCloseTo(0.1, 9);
    // Consumed, but the update is still on its way back.
    expect(transport.bufferedAmount).toBe(1000);
    await network.advance(0.1);
    expect(transport.bufferedAmount).toBe(0);
    network.shutdown();
  });

  it('a producer paused while updates are on their way is resumed when they arrive', async () => {
    const network = new SimulatedNetwork({
      autoAdvance: false,
      latency: 0.1,
      sendBufferSize: 4000,
    });
    const server = network.addHost('server');
    const client = network.addHost('client');
    const reader = new Recorder(() => network.seconds());
    await serverFromString(server, 'tcp:7').listen(factoryOf(() => reader));
    const writer = new Protocol();
    await network.runUntil(
      clientFromString(client, 'tcp:host=server:port=7').connect(factoryOf(() => writer)),
    );
    const transport = writer.transport!;
    transport.write(encode('x'.repeat(3000)));
    // The reader consumes it; its window update is on its way when the producer fills up.
    await network.runUntil(() => reader.text.length === 3000);
    const events: Array<{ event: string; at: number }> = [];
    const producer = {
      pauseProducing: () => events.push({ event: 'pause', at: network.seconds() }),
      resumeProducing: () => events.push({ event: 'resume', at: network.seconds() }),
      stopProducing: () => undefined,
    };
    transport.registerProducer(producer, true);
    const pausedAt = network.seconds();
    transport.write(encode('y'.repeat(2000)));
    expect(events).toEqual([{ event: 'pause', at: pausedAt }]);
    await network.advance(1);
    // Resumed by the first update (3000 bytes consumed), one latency after the reading.
    expect(events.map((entry) => entry.event)).toEqual(['pause', 'resume']);
    expect(events[1]!.at - pausedAt).toBeCloseTo(0.1, 9);
    network.shutdown();
  });
});
