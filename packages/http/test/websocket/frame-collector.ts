import type { WebSocketProtocolError } from '../../src/websocket/errors.js';
import type { FrameSink } from '../../src/websocket/frame-parser.js';
import type { Frame, FrameHeader } from '../../src/websocket/frame.js';

/** A FrameSink that reassembles whole frames, for tests. */
export class FrameCollector implements FrameSink {
  readonly frames: Array<Frame & { masked: boolean }> = [];
  readonly errors: WebSocketProtocolError[] = [];
  private header: FrameHeader | null = null;
  private chunks: Uint8Array[] = [];

  onFrameStart(header: FrameHeader): void {
    this.header = header;
    this.chunks = [];
  }

  onFramePayload(chunk: Uint8Array): void {
    this.chunks.push(chunk.slice());
  }

  onFrameEnd(): void {
    const header = this.header!;
    this.frames.push({
      fin: header.fin,
      rsv1: header.rsv1,
      opcode: header.opcode,
      masked: header.masked,
      payload: new Uint8Array(Buffer.concat(this.chunks)),
    });
    this.header = null;
  }

  onFrameError(error: WebSocketProtocolError): void {
    this.errors.push(error);
  }
}
