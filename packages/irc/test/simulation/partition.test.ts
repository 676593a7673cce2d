import { describe, expect, it } from 'vitest';
import { PartitionScenario, isOnline, membersSeenBy } from './partition-scenario.js';

const CLIENTS = 200;
/** Ten rooms of twenty: user i is in #room<i % 10>. */
const ROOMS = 10;

describe('200 IRC clients on a simulated network', () => {
  it('survive a partition and a heal: timed-out users are QUIT, reconnect, and every room is whole again', async () => {
    const realStart = performance.now();
    const cpuStart = process.cpuUsage();
    const sim = new PartitionScenario({ clients: CLIENTS, rooms: ROOMS });
    const { users, kept, cut, speakers } = sim;
    await sim.start();

    // Everyone registers and joins; every client sees the twenty members of its room.
    const joinedAt = await sim.roomsHold(users, 120);

    // One user per room says hello at once; everyone hears their own room's, and only that.
    await sim.speak(speakers, 'hello', 60);
    const speakerOf = new Map(speakers.map((speaker) => [speaker.room, speaker.nick]));
    expect(users.map((user) => [...user.heard])).toEqual(
      users.map((user) => (speakers.includes(user) ? [] : [[speakerOf.get(user.room), 1]])),
    );

    // Cut half of the clients off from the server: ten of each room.
    const partitionedAt = sim.partitionHalf();
    // The server's PING goes unanswered; it drops them and tells each room.
    const quitsSeenAt = await sim.roomsHold(kept, 300);
    // Every kept user saw each cut-off user of its room QUIT with a ping timeout, and nobody
    // else. (Checked in bulk: a thousand expect() calls would cost more than the simulation.)
    const wrongQuits = kept.flatMap((user) => {
      const gone = sim.inRoom(user.room, cut);
      if (user.quits.size !== gone.length) return [`${user.nick} saw ${user.quits.size} QUITs`];
      return gone
        .filter((other) => !/Ping timeout/.test(user.quits.get(other.nick) ?? ''))
        .map((other) => `${user.nick} saw ${other.nick} quit: ${user.quits.get(other.nick)}`);
    });
    expect(wrongQuits).toEqual([]);
    // Not before the server's ping interval, and within interval + timeout (+ latency).
    expect(quitsSeenAt - partitionedAt).toBeGreaterThanOrEqual(30);
    expect(quitsSeenAt - partitionedAt).toBeLessThanOrEqual(30 + 45 + 1);

    // The cut-off clients notice on their own (their PING goes unanswered) and keep retrying
    // until the network heals, 120 s after the cut.
    const healedAt = await sim.healAt(partitionedAt, 120);
    expect(cut.filter(isOnline)).toEqual([]);
    expect(sim.silenceWarnings).toBe(cut.length);
    expect(kept.every(isOnline)).toBe(true);

    // They reconnect (ClientService with backoff), rejoin, and every room is whole again.
    const wholeAt = await sim.roomsHold(users, 120);
    // Checked once more in full: nobody dropped out again while the others came back.
    expect(users.filter((user) => membersSeenBy(user) !== CLIENTS / ROOMS)).toEqual([]);
    // The cut-off users registered a second time; the others never had to.
    expect(users.map((user) => user.registrations)).toEqual(
      users.map((user) => (cut.includes(user) ? 2 : 1)),
    );
    expect(wholeAt).toBeGreaterThan(healedAt);

    // Every room works for everyone again: its last member (one that was cut off) speaks.
    for (const user of users) user.heard.clear();
    await sim.speak(sim.lastOfEachRoom(), 'back again', 10);

    await sim.stop();
    const realSeconds = (performance.now() - realStart) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // Measured and printed, never asserted: timing assertions do not belong in tests.
    console.log(
      `200-client partition simulation: ${wholeAt.toFixed(1)} virtual s ` +
        `(joined at ${joinedAt.toFixed(2)}, partition ${partitionedAt.toFixed(2)}, ` +
        `QUITs by ${quitsSeenAt.toFixed(2)}, heal ${healedAt.toFixed(2)}, whole ${wholeAt.toFixed(2)}) ` +
        `in ${realSeconds.toFixed(3)} real s (${cpuSeconds.toFixed(3)} s of CPU)`,
    );
  }, 120_000); // A bound for a loaded CI machine; the run itself is printed above.
});
