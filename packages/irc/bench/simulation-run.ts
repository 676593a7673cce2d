// One run of the partition scenario (test/simulation/partition-scenario.ts) at the size given on
// the command line, in the steps of the test, timed; prints one JSON line. bench/simulation.js
// bundles it with esbuild and starts it in a fresh process per run, so each run is cold, as
// the test is.
import { PartitionScenario } from '../test/simulation/partition-scenario.js';

const [clients = 200, rooms = 10] = process.argv.slice(2).map(Number);
const realStart = performance.now();
const cpuStart = process.cpuUsage();
const sim = new PartitionScenario({ clients, rooms });
await sim.start();
const joinedAt = await sim.roomsHold(sim.users, 120);
await sim.speak(sim.speakers, 'hello', 60);
const partitionedAt = sim.partitionHalf();
await sim.roomsHold(sim.kept, 300);
await sim.healAt(partitionedAt, 120);
const wholeAt = await sim.roomsHold(sim.users, 120);
await sim.speak(sim.lastOfEachRoom(), 'back again', 10);
await sim.stop();
const realSeconds = (performance.now() - realStart) / 1000;
const cpu = process.cpuUsage(cpuStart);
console.log(
  JSON.stringify({
    clients,
    rooms,
    joinedAt,
    virtualSeconds: wholeAt,
    realSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }),
);
