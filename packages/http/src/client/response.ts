import { Failure, type IPushProducer } from '@tw/core';
import type { IHeaders } from '../interfaces.js';
import { ResponseDone } from './errors.js';

/**
 * Receives a response body (the protocol given to Response.deliverBody, as in Twisted):
 * makeConnection(producer) → dataReceived(chunk)* → connectionLost(reason). `reason` wraps
 * ResponseDone for a complete body, ResponseFailed when the connection or the framing failed.
 * The producer pauses and resumes the connection's reading (back-pressure) and stopProducing()
 * abandons the body (the connection is closed, not reused).
 */
export interface IResponseBodyReceiver {
  makeConnection(producer: IPushProducer): void;
  dataReceived(data: Uint8Array): void;
  connectionLost(reason: Failure): void;
}

/** The request a response answers, as the client sent it. */
export interface RequestSummary {
  readonly method: string;
  readonly absoluteURI: string;
  readonly headers: IHeaders;
}

type BodyState = 'initial' | 'connected' | 'deferred-close' | 'finished';

/**
 * An HTTP response (twisted.web.client.Response): status and headers are here when the Deferred
 * from Agent.request fires; the body follows through deliverBody() (or readBody()).
 *
 * Body bytes that arrive before deliverBody() is called are held, and the connection's reading
 * is paused meanwhile, so an unread body never grows memory past one read.
 */
export class Response {
  /** Set by RedirectAgent: the response that redirected to this one. */
  previousResponse: Response | null = null;
  private state: BodyState = 'initial';
  private readonly held: Uint8Array[] = [];
  private finishReason: Failure | null = null;
  private receiver: IResponseBodyReceiver | null = null;
  private pausedForHolding = false;

  constructor(
    /** 'HTTP/1.1' or 'HTTP/1.0'. */
    readonly version: string,
    readonly code: number,
    /** The reason phrase as sent ('OK'). */
    readonly phrase: string,
    readonly headers: IHeaders,
    /** The body length from Content-Length (0 when the response has no body), or null. */
    readonly length: number | null,
    readonly request: RequestSummary,
    /** Pauses, resumes and stops the connection's reading (the body's source). */
    private readonly producer: IPushProducer,
  ) {}

  /** True once the body has been handed to a receiver or failed/finished before one came. */
  get bodyDelivered(): boolean {
    return this.state === 'connected' || this.state === 'finished';
  }

  /**
   * Stream the body into `receiver`. Call it once; bytes that arrived earlier are given at once,
   * and a body that already ended is ended right after.
   */
  deliverBody(receiver: IResponseBodyReceiver): void {
    if (this.state === 'connected' || this.state === 'finished')
      throw new Error('Response.deliverBody() was already called: a body can be read once.');
    this.receiver = receiver;
    const wasDeferredClose = this.state === 'deferred-close';
    this.state = 'connected';
    // The receiver's own pauses are tracked so that releasing the hold below does not undo one.
    let receiverPaused = false;
    const producer = this.producer;
    receiver.makeConnection({
      pauseProducing: () => {
        receiverPaused = true;
        producer.pauseProducing();
      },
      resumeProducing: () => {
        receiverPaused = false;
        producer.resumeProducing();
      },
      stopProducing: () => producer.stopProducing(),
    });
    for (const chunk of this.held.splice(0)) receiver.dataReceived(chunk);
    if (wasDeferredClose) {
      this.finish(this.finishReason ?? new Failure(new ResponseDone()));
      return;
    }
    if (this.pausedForHolding) {
      this.pausedForHolding = false;
      if (!receiverPaused) producer.resumeProducing();
    }
  }

  /** @internal The client protocol hands body bytes here. */
  bodyDataReceived(data: Uint8Array): void {
    if (this.state === 'connected') {
      this.receiver?.dataReceived(data);
      return;
    }
    if (this.state !== 'initial') return;
    this.held.push(data);
    if (!this.pausedForHolding) {
      this.pausedForHolding = true;
      this.producer.pauseProducing();
    }
  }

  /** @internal The client protocol ends the body here (ResponseDone when complete). */
  bodyDataFinished(reason: Failure = new Failure(new ResponseDone())): void {
    if (this.state === 'connected') this.finish(reason);
    else if (this.state === 'initial') {
      this.state = 'deferred-close';
      this.finishReason = reason;
    }
  }

  private finish(reason: Failure): void {
    this.state = 'finished';
    const receiver = this.receiver;
    this.receiver = null;
    receiver?.connectionLost(reason);
  }
}
