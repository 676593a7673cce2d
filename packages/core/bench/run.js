// `pnpm --filter @tw/core bench`: every @tw/core benchmark, each printed as a ratio to a peer
// measured in the same run. Needs a build first (turbo's bench task depends on build).
import { runDeferredBench } from './deferred.js';
import { printRows } from './report.js';
import { runReactorBench } from './reactor.js';
import { runTcpBench } from './tcp.js';

console.log(`@tw/core benchmarks — Node ${process.version}, ${new Date().toISOString()}\n`);
printRows(await runDeferredBench());
printRows(await runReactorBench());
printRows(await runTcpBench());
