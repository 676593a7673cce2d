import type {
  BrowserTimerFunctions,
  PageEventTarget,
  WebSocketCloseEventLike,
  WebSocketLike,
  WebSocketMessageEventLike,
} from '@tw/core/browser';

/**
 * A stand-in for the browser's WebSocket class: records what the page sends and lets a test
 * play the server (open, message, close) and the network (bufferedAmount).
 */
export class FakeWebSocket implements WebSocketLike {
  static readonly instances: FakeWebSocket[] = [];

  binaryType = 'blob';
  bufferedAmount = 0;
  readyState = 0;
  protocol = '';
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: WebSocketMessageEventLike) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onclose: ((event: WebSocketCloseEventLike) => void) | null = null;
  readonly sent: Uint8Array[] = [];
  closeCalls: Array<{ code: number | undefined; reason: string | undefined }> = [];

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeWebSocket.instances.push(this);
  }

  send(data: Uint8Array | ArrayBuffer | string): void {
    if (this.readyState !== 1) throw new Error('InvalidStateError: not open');
    const bytes =
      typeof data === 'string'
        ? new TextEncoder().encode(data)
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : data.slice();
    this.sent.push(bytes);
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState < 2) this.readyState = 2;
  }

  /** The server accepted the handshake. */
  serverOpens(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  serverSends(data: unknown): void {
    this.onmessage?.({ data });
  }

  /** The connection ends (closing handshake done, or dropped). */
  closes(code: number, wasClean = true, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason, wasClean });
  }

  sentText(): string {
    return this.sent.map((b) => new TextDecoder().decode(b)).join('');
  }
}

/** Manual timers: time moves only when the test advances it. */
export class ManualTimers implements BrowserTimerFunctions {
  private nowMs = 1000;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.nowMs + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  now(): number {
    return this.nowMs;
  }

  /** Move time forward by `seconds`, running due timers in time order (bounded). */
  advance(seconds: number): void {
    const until = this.nowMs + seconds * 1000;
    for (let guard = 0; guard < 10_000; guard++) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].at <= until && (next === undefined || entry[1].at < next[1].at)) next = entry;
      }
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.nowMs = Math.max(this.nowMs, next[1].at);
      next[1].fn();
    }
    this.nowMs = until;
  }

  get pendingCount(): number {
    return this.timers.size;
  }
}

/** A window stand-in for 'pagehide'. */
export class FakePage implements PageEventTarget {
  private readonly listeners = new Map<string, Set<(event: unknown) => void>>();

  addEventListener(type: string, listener: (event: unknown) => void): void {
    let set = this.listeners.get(type);
    if (set === undefined) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  dispatch(type: string, event: unknown = {}): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(event);
  }

  listenerCount(type: string): number {
    return this.listeners.get(type)?.size ?? 0;
  }
}
