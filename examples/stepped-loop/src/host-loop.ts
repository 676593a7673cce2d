import type { SteppedReactor } from '@tw/core';

export interface HostLoopOptions {
  /** Ticks per second. */
  readonly fps: number;
  /**
   * The host's own work for one tick, after the reactor's: read input, update state, draw.
   * `nextTimer` is what iterate() returned. Return false to leave the loop.
   */
  readonly tick: (tick: number, nextTimer: number) => boolean;
}

/**
 * A loop the program owns, ticking at a fixed rate — the shape of a terminal UI's, a game's or
 * a render loop's. Each tick gives the reactor its turn with iterate(), which runs whatever
 * timers and network events are due and returns at once; then the host does its own frame.
 * Resolves with the number of ticks once `tick` returned false.
 */
export function runHostLoop(reactor: SteppedReactor, options: HostLoopOptions): Promise<number> {
  const intervalMs = 1000 / options.fps;
  return new Promise((resolve) => {
    let tick = 0;
    const timer = setInterval(() => {
      tick++;
      const nextTimer = reactor.iterate();
      if (!options.tick(tick, nextTimer)) {
        clearInterval(timer);
        resolve(tick);
      }
    }, intervalMs);
  });
}
