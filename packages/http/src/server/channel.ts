import {
  Logger,
  Protocol,
  isHalfCloseableProtocol,
  type Failure,
  type IHalfCloseableProtocol,
  type IProtocol,
  type IPullProducer,
  type IPushProducer,
  type IReactorTime,
} from '@tw/core';

import type { IResource, IStreamingResource } from '../interfaces.js';
import type { HTTPParseError } from '../wire/errors.js';
import type { Headers } from '../wire/headers.js';
import { HTTPParser, type HTTPParserHandler } from '../wire/parser.js';
import { errorResponseBytes } from './error-page.js';
import type { ResolvedHTTPServerOptions } from './options.js';
import { ChannelTimeouts } from './read-timeouts.js';
import { answerWithStatus, bodyArgsFailed, renderFailed, renderRequest } from './render-request.js';
import { OutputBatch } from './output-batch.js';
import { RequestBodyStream } from './request-body-stream.js';
import { Request, RequestStateError, type RequestChannel } from './request.js';
import type { IRequestSite } from './site-contract.js';
import { TransportProducerSlot } from './transport-producer.js';

const log = new Logger('tw.http.server');

const CONTINUE = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

/** Why reading from the connection is paused (a bit set: reading resumes when none is left). */
const PAUSE_PIPELINE = 1;
const PAUSE_WRITE_BLOCKED = 2;
const PAUSE_BODY = 4;
const PAUSE_UPGRADE = 8;

/**
 * The HTTP/1.1 server protocol (twisted.web.http.HTTPChannel): parses requests from any
 * transport, creates one Request per message, and answers in order.
 *
 * - Pipelining: requests are rendered as soon as they are complete, but only the oldest
 *   unanswered one writes to the transport; later ones hold their output (and their producers
 *   stay paused) until it is their turn. Past `maxPipelinedRequests` reading pauses.
 * - Responses produced while a batch of received bytes is being parsed are sent in one
 *   writeSequence() at the end of the batch.
 * - Flow control: the channel is the transport's streaming producer; when the peer reads our
 *   responses too slowly we stop reading its requests. A request's registered producer takes
 *   the channel's place on the transport while that request is being answered.
 * - Errors in a request's framing or limits are answered with their status, then a close.
 */
export class HTTPChannel
  extends Protocol
  implements HTTPParserHandler, RequestChannel, IPushProducer, IHalfCloseableProtocol
{
  readonly reactor: IReactorTime;
  readonly site: IRequestSite;
  readonly options: ResolvedHTTPServerOptions;
  readonly parser: HTTPParser;

  /** Requests not yet finished, oldest first; the first one is answering. */
  private readonly queue: Request[] = [];
  private receiving: Request | null = null;
  private receivingResource: IResource | null = null;
  private bodyChunks: Uint8Array[] = [];
  private bodyLength = 0;
  private requestMethod = '';
  private requestTarget = '';
  private requestVersion = '';

  private readonly out = new OutputBatch(this);
  private closeWhenFlushed = false;
  private closing = false;
  private disconnected = false;
  private pendingErrorResponse: Uint8Array | null = null;
  private readPauses = 0;
  private readonly producers: TransportProducerSlot;
  private readonly timeouts: ChannelTimeouts;
  private upgradedProtocol: IProtocol | null = null;
  private upgradePending = false;
  /** The client sent EOF (shut its sending side): answer what it asked, then close. */
  private peerFinished = false;

  constructor(reactor: IReactorTime, site: IRequestSite, options: ResolvedHTTPServerOptions) {
    super();
    this.reactor = reactor;
    this.site = site;
    this.options = options;
    this.parser = new HTTPParser('request', options.limits, this);
    this.producers = new TransportProducerSlot(this);
    this.timeouts = new ChannelTimeouts(
      reactor,
      options,
      () => this.readTimedOut(),
      () => this.writeTimedOut(),
    );
  }

  get serverName(): string | null {
    return this.options.serverName;
  }

  /** Requests received and not yet answered. */
  get pendingRequests(): number {
    return this.queue.length;
  }

  override connectionMade(): void {
    this.producers.giveToChannel();
    this.timeouts.awaitRequest();
  }

  override dataReceived(data: Uint8Array): void {
    if (this.upgradedProtocol !== null && !this.upgradePending) {
      this.upgradedProtocol.dataReceived(data);
      return;
    }
    if (this.closing || this.disconnected) return;
    const timeouts = this.timeouts;
    timeouts.beginBatch(); // one reading of the clock for every deadline moved in the batch
    try {
      if (timeouts.phase === 'idle') timeouts.startHead();
      this.out.corked = true;
      try {
        this.parser.feed(data);
      } finally {
        this.uncork();
      }
    } finally {
      timeouts.endBatch();
    }
  }

  /**
   * The client shut its sending side (HTTP/1.0 clients, `printf … | nc`): it asks nothing more,
   * but still reads. Answer the requests it sent — including those still waiting in the parser
   * behind the pipelining limit — then close; a request it left unfinished is dropped.
   */
  readConnectionLost(): void {
    const upgraded = this.upgradedProtocol;
    if (upgraded !== null && !this.upgradePending) {
      if (isHalfCloseableProtocol(upgraded)) upgraded.readConnectionLost();
      else this.transport.loseConnection();
      return;
    }
    if (this.disconnected) return;
    this.peerFinished = true;
    this.closeIfPeerFinished();
  }

  writeConnectionLost(): void {
    const upgraded = this.upgradedProtocol;
    if (upgraded !== null && isHalfCloseableProtocol(upgraded)) upgraded.writeConnectionLost();
  }

  override connectionLost(reason: Failure): void {
    this.disconnected = true;
    this.timeouts.stop();
    const upgraded = this.upgradedProtocol;
    const requests = this.queue.splice(0);
    if (this.receiving !== null && !requests.includes(this.receiving))
      requests.push(this.receiving);
    this.receiving = null;
    for (const request of requests) request.connectionLost(reason);
    super.connectionLost(reason);
    if (upgraded !== null) upgraded.connectionLost(reason);
  }

  // --- the parser's events -------------------------------------------------------------

  onRequestLine(method: string, target: string, version: string): void {
    this.requestMethod = method;
    this.requestTarget = target;
    this.requestVersion = version;
    if (this.timeouts.phase === 'idle') this.timeouts.startHead();
  }

  onHeaders(headers: Headers): void {
    const parser = this.parser;
    const request = new Request(
      this,
      this.requestMethod,
      this.requestTarget,
      this.requestVersion,
      headers,
      parser.keepAlive,
    );
    this.queue.push(request);
    this.receiving = request;
    const hasBody = parser.bodyFraming !== 'none';
    this.timeouts.headersDone(hasBody);

    if (!hasBody) request.bodyComplete = true;
    const expect = headers.getHeader('expect');
    if (expect !== null) {
      if (expect.toLowerCase() !== '100-continue') {
        answerWithStatus(request, 417, 'The only expectation this server meets is 100-continue.');
        return;
      }
      // RFC 9110 §10.1.1: ignore 100-continue from HTTP/1.0 clients and on requests without content.
      if (hasBody && request.clientproto === 'HTTP/1.1') {
        request.expectContinue = true;
        this.timeouts.clearRead(); // until we send 100 Continue, the client waits for us
      }
    }

    let resource: IResource;
    try {
      resource = this.site.getResourceFor(request);
    } catch (error) {
      renderFailed(request, error);
      return;
    }
    if ((resource as Partial<IStreamingResource>).streamsRequestBody === true) {
      parser.setBodyLimit(this.options.maxStreamedBodyBytes);
      const stream = new RequestBodyStream({
        pauseBody: () => this.pauseReading(PAUSE_BODY),
        resumeBody: () => this.resumeReading(PAUSE_BODY),
        stopBody: () => {
          request.keepAlive = false;
          request.bodyStreamImpl = null;
          this.resumeReading(PAUSE_BODY);
        },
        bodyWanted: () => this.sendContinue(request),
      });
      request.bodyStream = stream;
      request.bodyStreamImpl = stream;
      renderRequest(request, resource);
      return;
    }
    if (hasBody && parser.contentLength > this.options.limits.maxBodyBytes) return; // 413 follows
    this.receivingResource = resource;
    if (request.expectContinue) this.sendContinue(request);
  }

  onBody(chunk: Uint8Array): void {
    const request = this.receiving;
    if (request === null) return;
    if (this.readPauses === 0) this.timeouts.bodyProgress();
    const stream = request.bodyStreamImpl;
    if (stream !== null) {
      stream.deliver(chunk);
      return;
    }
    if (request.finished || this.receivingResource === null) return; // answered already: discard
    this.bodyChunks.push(chunk);
    this.bodyLength += chunk.byteLength;
  }

  onMessageComplete(): void {
    const request = this.receiving;
    const resource = this.receivingResource;
    this.receiving = null;
    this.receivingResource = null;
    this.timeouts.messageDone();
    if (request === null) return;
    request.bodyComplete = true;
    if (!request.keepAlive) this.stopReadingRequests();
    else if (this.parser.upgrade && !request.finished) this.pauseReading(PAUSE_UPGRADE);
    else if (this.queue.length >= this.options.maxPipelinedRequests)
      this.pauseReading(PAUSE_PIPELINE);

    const stream = request.bodyStreamImpl;
    if (stream !== null) {
      stream.end();
    } else if (resource !== null && !request.finished) {
      const chunks = this.bodyChunks;
      if (chunks.length > 0) {
        request.content = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.bodyLength);
        this.bodyChunks = [];
        this.bodyLength = 0;
        if (this.site.parseBodyArgs !== undefined) {
          try {
            this.site.parseBodyArgs(request);
          } catch (error) {
            bodyArgsFailed(request, error);
            return;
          }
        }
      }
      renderRequest(request, resource);
    }
    if (this.queue.length === 0 && !this.closing) this.timeouts.awaitRequest();
  }

  onError(error: HTTPParseError): void {
    const request = this.receiving;
    this.receiving = null;
    this.receivingResource = null;
    this.bodyChunks = [];
    log.info('Refusing a request from {peer}: {status} {reason}', {
      peer: this.transport.getPeer(),
      status: error.status,
      reason: error.message,
    });
    if (this.abandon(request, error)) this.refuse(error.status);
  }

  // --- RequestChannel: what requests call ------------------------------------------------

  writeResponse(request: Request, chunks: Uint8Array[]): void {
    if (request === this.queue[0]) this.output(chunks);
    else if (!request.lost) (request.heldOutput ??= []).push(...chunks);
  }

  requestFinished(request: Request): void {
    if (request === this.queue[0]) this.advanceQueue();
  }

  registerRequestProducer(
    request: Request,
    producer: IPushProducer | IPullProducer,
    streaming: boolean,
  ): void {
    if (request !== this.queue[0]) {
      if (streaming) (producer as IPushProducer).pauseProducing();
      return;
    }
    this.attachProducer(request);
  }

  unregisterRequestProducer(request: Request): void {
    if (request !== this.queue[0] || !this.producers.heldByRequest || this.disconnected) return;
    if (this.closing) this.producers.release();
    else this.producers.giveToChannel();
  }

  switchProtocols(request: Request, head: Uint8Array, protocol: IProtocol): void {
    if (request !== this.queue[0] || !request.bodyComplete) {
      throw new RequestStateError(
        'switchProtocols() is only possible for the request being answered, once its body is read.',
      );
    }
    this.queue.shift();
    for (const later of this.queue.splice(0))
      later.connectionLost(new RequestStateError('The connection switched protocols.'));
    this.out.append(head);
    if (!this.disconnected) this.out.flush();
    this.timeouts.stop();
    this.producers.release();
    this.upgradedProtocol = protocol;
    this.upgradePending = true;
    // Inside a parse (render called from onMessageComplete) the parser cannot hand over yet.
    if (!this.out.corked) this.completeUpgrade();
  }

  // --- the channel as the transport's producer -------------------------------------------

  pauseProducing(): void {
    this.pauseReading(PAUSE_WRITE_BLOCKED);
    this.timeouts.writeBlocked();
  }

  resumeProducing(): void {
    this.timeouts.writeUnblocked();
    this.resumeReading(PAUSE_WRITE_BLOCKED);
  }

  stopProducing(): void {}

  // --- internals ---------------------------------------------------------------------------

  private output(chunks: Uint8Array[]): void {
    if (!this.disconnected) this.out.write(chunks);
  }

  private uncork(): void {
    this.out.corked = false;
    if (!this.disconnected) this.out.flush();
    if (this.upgradePending) this.completeUpgrade();
    if (this.closeWhenFlushed) {
      this.closeWhenFlushed = false;
      this.closeConnection();
    }
  }

  private completeUpgrade(): void {
    this.upgradePending = false;
    const protocol = this.upgradedProtocol!;
    const rest = this.parser.detach();
    if (this.readPauses !== 0) {
      this.readPauses = 0;
      this.transport.resumeProducing();
    }
    protocol.makeConnection(this.transport);
    if (rest.byteLength > 0 && !this.disconnected) protocol.dataReceived(rest);
  }

  /** After the client's EOF: once the parser has nothing more to give, close after the answers. */
  private closeIfPeerFinished(): void {
    if (!this.peerFinished || this.closing || this.disconnected) return;
    // Requests may still wait in the paused parser: they are read when it resumes.
    if (this.readPauses !== 0) return;
    const unfinished = this.receiving;
    if (unfinished !== null) {
      this.receiving = null;
      this.receivingResource = null;
      const reason = new RequestStateError('The client closed its side before the request ended.');
      if (!this.abandon(unfinished, reason)) return;
    }
    this.stopReadingRequests();
    if (this.queue.length === 0) this.advanceQueue();
  }

  private advanceQueue(): void {
    const queue = this.queue;
    while (queue.length > 0 && queue[0]!.finished) {
      const done = queue.shift()!;
      if (this.producers.heldByRequest && done.producer !== null)
        this.unregisterRequestProducer(done);
      this.logRequest(done);
      if (done.closeAfter) {
        this.stopReadingRequests();
        for (const later of queue.splice(0))
          later.connectionLost(new RequestStateError('The connection is closing.'));
        break;
      }
      const next = queue[0];
      if (next !== undefined) this.activate(next);
    }
    if (queue.length > 0) {
      if (queue.length < this.options.maxPipelinedRequests) this.resumeReading(PAUSE_PIPELINE);
      return;
    }
    if (this.closing) {
      if (this.pendingErrorResponse !== null) {
        this.output([this.pendingErrorResponse]);
        this.pendingErrorResponse = null;
      }
      this.closeConnection();
      return;
    }
    this.resumeReading(PAUSE_PIPELINE | PAUSE_UPGRADE);
    if (this.peerFinished) this.closeIfPeerFinished();
    else if (this.timeouts.phase === 'idle') this.timeouts.awaitRequest();
  }

  /** `request` is now the oldest unanswered one: release what it held back. */
  private activate(request: Request): void {
    const held = request.heldOutput;
    if (held !== null) {
      request.heldOutput = null;
      this.output(held);
    }
    if (request.producer !== null && !request.finished) {
      this.attachProducer(request);
      if (request.producerStreaming) (request.producer as IPushProducer).resumeProducing();
    }
    const wantsBody = request.bodyStreamImpl === null || request.bodyStreamImpl.onData !== null;
    if (wantsBody) this.sendContinue(request);
  }

  private attachProducer(request: Request): void {
    if (this.disconnected || request.producer === null) return;
    this.producers.giveToRequest(request.producer, request.producerStreaming);
  }

  /** Send 100 Continue if `request` waits for it and is the one being answered. */
  private sendContinue(request: Request): void {
    if (
      !request.expectContinue ||
      request.continueSent ||
      request.startedWriting ||
      request.finished
    )
      return;
    if (request !== this.queue[0]) return;
    request.continueSent = true;
    this.output([CONTINUE]);
    if (this.receiving === request) this.timeouts.restartBody();
  }

  /**
   * Give up the request being received (bad framing, timeout). Returns whether a status may
   * still be sent: not when its response is under way — then the connection is aborted.
   */
  private abandon(request: Request | null, reason: unknown): boolean {
    if (request === null || request.finished) return true;
    if (request.startedWriting) {
      request.connectionLost(reason);
      this.transport.abortConnection();
      return false;
    }
    const index = this.queue.indexOf(request);
    if (index >= 0) this.queue.splice(index, 1);
    request.connectionLost(reason);
    return true;
  }

  /** Answer `status` (after the responses already owed) and close. */
  private refuse(status: number): void {
    this.stopReadingRequests();
    this.pendingErrorResponse = errorResponseBytes(status, this.options.serverName);
    if (this.queue.length === 0) this.advanceQueue();
  }

  /** Read no further requests; close once the queue is answered. */
  private stopReadingRequests(): void {
    if (this.closing) return;
    this.closing = true;
    this.parser.pause();
    this.timeouts.clearRead();
    if (!this.disconnected) this.transport.pauseProducing();
  }

  private closeConnection(): void {
    if (this.disconnected) return;
    if (this.out.corked) {
      this.closeWhenFlushed = true;
      return;
    }
    this.closing = true;
    this.timeouts.stop();
    this.producers.release();
    this.transport.loseConnection();
  }

  private pauseReading(reason: number): void {
    const before = this.readPauses;
    this.readPauses |= reason;
    if (before !== 0 || this.readPauses === 0) return;
    this.parser.pause();
    this.timeouts.suspendBody(); // we are the slow one now
    if (!this.disconnected) this.transport.pauseProducing();
  }

  private resumeReading(reason: number): void {
    if ((this.readPauses & reason) === 0) return;
    this.readPauses &= ~reason;
    if (this.readPauses !== 0 || this.closing || this.disconnected) return;
    this.transport.resumeProducing();
    this.timeouts.bodyProgress();
    const wasCorked = this.out.corked;
    this.out.corked = true;
    try {
      this.parser.resume();
    } finally {
      if (!wasCorked) this.uncork();
    }
    this.closeIfPeerFinished();
  }

  private readTimedOut(): void {
    if (this.disconnected || this.closing) return;
    if (this.timeouts.phase === 'idle') {
      if (this.queue.length === 0) this.closeConnection();
      return;
    }
    log.info('Request from {peer} timed out while reading its {part}', {
      peer: this.transport.getPeer(),
      part: this.timeouts.phase === 'body' ? 'body' : 'headers',
    });
    const request = this.receiving;
    this.receiving = null;
    this.receivingResource = null;
    if (this.abandon(request, new RequestStateError('Timed out reading the request.'))) {
      this.refuse(408);
    }
  }

  private writeTimedOut(): void {
    if (this.disconnected) return;
    log.info('Client {peer} stopped reading responses; aborting the connection', {
      peer: this.transport.getPeer(),
    });
    this.transport.abortConnection();
  }

  private logRequest(request: Request): void {
    const logRequest = this.site.logRequest;
    if (logRequest === undefined) return;
    try {
      logRequest.call(this.site, request);
    } catch (error) {
      log.failure('Site.logRequest failed', error, {}, 'error');
    }
  }
}
