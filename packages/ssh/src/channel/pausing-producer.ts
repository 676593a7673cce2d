import type { IPushProducer, ITransport } from '@tw/core';

/**
 * A transport as the streaming producer of another consumer, for pausing only: the consumer
 * pauses and resumes the transport's reading, but its stopProducing() (called when the consumer
 * goes away) does not abort the transport, which may still have data to deliver. Used when two
 * transports are relayed (child process ⇄ channel, TCP ⇄ channel).
 */
export function pausingProducerFor(transport: ITransport): IPushProducer {
  return {
    pauseProducing: () => transport.pauseProducing(),
    resumeProducing: () => transport.resumeProducing(),
    stopProducing: () => undefined,
  };
}
