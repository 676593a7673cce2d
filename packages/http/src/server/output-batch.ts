import type { ITransport } from '@tw/core';

/**
 * What the channel writes to its transport. While corked (a batch of received bytes is being
 * parsed) responses are collected and leave in one writeSequence() on flush(): a pipelined
 * batch of 16 requests costs one writev, not 16 writes.
 */
export class OutputBatch {
  corked = false;
  private chunks: Uint8Array[] = [];

  constructor(private readonly owner: { readonly transport: ITransport }) {}

  /** Write now, or at flush() while corked. */
  write(chunks: Uint8Array[]): void {
    if (this.corked) {
      for (const chunk of chunks) this.chunks.push(chunk);
      return;
    }
    writeAll(this.owner.transport, chunks);
  }

  /** Add to what the next flush() writes, corked or not. */
  append(chunk: Uint8Array): void {
    this.chunks.push(chunk);
  }

  /** Write what was collected (the cork stays as it is). */
  flush(): void {
    const chunks = this.chunks;
    if (chunks.length === 0) return;
    this.chunks = [];
    writeAll(this.owner.transport, chunks);
  }
}

function writeAll(transport: ITransport, chunks: Uint8Array[]): void {
  if (chunks.length === 1) transport.write(chunks[0]!);
  else transport.writeSequence(chunks);
}
