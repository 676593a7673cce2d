// Scheduling and firing 1 000 000 callLaters on the NodeReactor vs 1 000 000 setTimeouts.
import { NodeReactor } from '../dist/index.js';
import { bestOfInterleaved, printRows } from './report.js';

const COUNT = 1_000_000;

function timeCalls(schedule) {
  return new Promise((resolve) => {
    let fired = 0;
    const start = process.hrtime.bigint();
    const onFire = () => {
      if (++fired === COUNT) resolve(COUNT / (Number(process.hrtime.bigint() - start) / 1e9));
    };
    // Spread over 0–50 ms so the queue holds many distinct deadlines.
    for (let i = 0; i < COUNT; i++) schedule((i % 50) / 1000, onFire);
  });
}

export async function runReactorBench(rounds = 3) {
  const reactor = new NodeReactor({ installSignalHandlers: false });
  const { ours, peer } = await bestOfInterleaved(
    rounds,
    () => timeCalls((s, fn) => reactor.callLater(s, fn)),
    () => timeCalls((s, fn) => setTimeout(fn, s * 1000)),
    (x) => x,
  );
  return [{ name: '1 000 000 callLater scheduled+fired (/s), vs setTimeout', ours, peer }];
}

if (import.meta.url === `file://${process.argv[1]}`) printRows(await runReactorBench());
