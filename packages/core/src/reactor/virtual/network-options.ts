/** How packets travel between two hosts of a SimulatedNetwork. */
export interface LinkConditions {
  /** One-way delay in seconds (default 0.001). */
  readonly latency?: number;
  /** Extra one-way delay, uniform in [0, jitter) seconds from the seeded PRNG (default 0). */
  readonly jitter?: number;
  /** Bytes per second each direction can carry; a packet waits for the ones before it (default Infinity). */
  readonly bandwidth?: number;
  /**
   * Probability (0–1) that a packet is lost (default 0). A lost stream segment is sent again
   * after the retransmission timeout, so streams stay reliable and ordered but slower; a lost
   * datagram is gone.
   */
  readonly loss?: number;
}

/** Options of a SimulatedNetwork. Link conditions given here are the default of every link. */
export interface SimulatedNetworkOptions extends LinkConditions {
  /** Seed of the PRNG behind jitter and loss: the same seed gives the same run (default 1). */
  readonly seed?: number;
  /**
   * Let time jump to the next scheduled event whenever nothing is runnable at the current time,
   * once the host's microtasks and `settleTurns` macrotask turns have settled (default true).
   * With false, time moves only through advance(), runUntil() and runUntilIdle().
   */
  readonly autoAdvance?: boolean;
  /**
   * Macrotask turns (setImmediate) that must pass with nothing due before time moves (default
   * 3). 0 settles only microtasks and nextTicks (promise chains of any depth) between instants:
   * much faster, and safe for code made of Deferreds and promises, but not for work Node
   * finishes in later macrotasks (node:tls, streams, file I/O).
   */
  readonly settleTurns?: number;
  /**
   * Seconds before a lost segment or SYN is first sent again (default 1). Each further try of
   * the same packet waits twice as long, up to `maxRetransmitTimeout`: TCP's exponential
   * backoff (RFC 6298 §5.5), so after a partition heals a connection resumes at its next
   * retransmission, as a real one does.
   */
  readonly retransmitTimeout?: number;
  /** The longest wait between two tries of one packet (default 120, Linux's TCP_RTO_MAX). */
  readonly maxRetransmitTimeout?: number;
  /**
   * Seconds a stream segment may go undelivered (a partition) before its connection is dropped
   * with ConnectionLost, like TCP_USER_TIMEOUT (default 60).
   */
  readonly userTimeout?: number;
  /**
   * Granularity of virtual time in seconds (default 0: exact). With, say, 0.001 every call and
   * packet is scheduled at the next multiple of a millisecond — the resolution of Node's own
   * timers — so events that land in the same millisecond run in one instant, in the order they
   * were scheduled. Big simulations with jitter run much faster; order within a millisecond is
   * then scheduling order rather than exact arrival time.
   */
  readonly timeResolution?: number;
  /** Default seconds before connectTCP gives up (ConnectTimeoutError) when not given (default 30). */
  readonly connectTimeout?: number;
  /**
   * Bytes a connection may have written and not yet had consumed by the peer before a
   * streaming producer is paused; it is resumed below half of it (default 65536).
   */
  readonly sendBufferSize?: number;
  /** Largest stream segment in bytes; bigger writes are split (default 16384). */
  readonly segmentSize?: number;
  /** Largest UDP datagram accepted for sending in bytes (default 65507). */
  readonly maxDatagramSize?: number;
  /** Where errors thrown by scheduled calls and protocol callbacks go (default console.error). */
  readonly onError?: (message: string, error: unknown) => void;
}

/** Link conditions with every field filled in. */
export interface ResolvedLinkConditions {
  readonly latency: number;
  readonly jitter: number;
  readonly bandwidth: number;
  readonly loss: number;
}

export const DEFAULT_LINK_CONDITIONS: ResolvedLinkConditions = {
  latency: 0.001,
  jitter: 0,
  bandwidth: Infinity,
  loss: 0,
};

/** A host talking to itself (127.0.0.1): no delay, no loss, never partitioned. */
export const LOOPBACK_CONDITIONS: ResolvedLinkConditions = {
  latency: 0,
  jitter: 0,
  bandwidth: Infinity,
  loss: 0,
};

/** Merge `conditions` over `base`, checking each value. */
export function resolveLinkConditions(
  base: ResolvedLinkConditions,
  conditions: LinkConditions,
): ResolvedLinkConditions {
  const merged = {
    latency: conditions.latency ?? base.latency,
    jitter: conditions.jitter ?? base.jitter,
    bandwidth: conditions.bandwidth ?? base.bandwidth,
    loss: conditions.loss ?? base.loss,
  };
  for (const name of ['latency', 'jitter'] as const) {
    if (!(merged[name] >= 0) || !Number.isFinite(merged[name])) {
      throw new RangeError(`${name} must be a finite number of seconds >= 0, got ${merged[name]}.`);
    }
  }
  if (!(merged.bandwidth > 0)) {
    throw new RangeError(
      `bandwidth must be a number of bytes per second > 0 (Infinity for no limit), got ${merged.bandwidth}.`,
    );
  }
  if (!(merged.loss >= 0 && merged.loss < 1)) {
    throw new RangeError(`loss must be a probability in [0, 1), got ${merged.loss}.`);
  }
  return merged;
}

/**
 * A small seeded PRNG (mulberry32): deterministic for a seed, good enough for jitter and loss.
 * Returns numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
