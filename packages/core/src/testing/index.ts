/**
 * @tw/core/testing — the test kit: transports that record, fake reactors and clocks, and pumps
 * that connect two protocols in memory. Other packages' tests build on it.
 */
export { StringTransport, concatBytes, type ProducerState } from './string-transport.js';
export { Clock } from '../task/clock.js';
export {
  MemoryReactor,
  MemoryReactorClock,
  type TCPServerRecord,
  type TCPClientRecord,
  type TLSServerRecord,
  type TLSClientRecord,
  type UNIXServerRecord,
  type UNIXClientRecord,
  type UDPPortRecord,
  type MulticastPortRecord,
  type ProcessRecord,
} from './memory-reactor.js';
export { FakeProcessTransport } from './fake-process-transport.js';
export {
  FakeListeningPort,
  FakeConnector,
  FakeUDPTransport,
  FakeMulticastTransport,
  type FakeConnection,
  type FakeConnectorState,
  type SentDatagram,
} from './memory-ports.js';
export { MemoryResolver } from './memory-resolver.js';
export {
  FakeTransport,
  DEFAULT_FAKE_BUFFER_SIZE,
  type FakeTransportOptions,
} from './fake-transport.js';
export {
  IOPump,
  connectedPair,
  connectedServerAndClient,
  fixedSizeSplitter,
  type ChunkSplitter,
  type IOPumpOptions,
  type ConnectedPair,
  type ConnectedPairOptions,
} from './iopump.js';
// Split-point arbitraries live at '@tw/core/testing/split-feeder' so that importing the kit
// does not require fast-check (an optional peer dependency).
export {
  connectOver,
  forEachTransport,
  TRANSPORT_KINDS,
  type TransportKind,
  type TransportContext,
  type TransportConnection,
  type TransportMatrixOptions,
} from './transport-matrix.js';
export { capturedEvents, type CapturedLogEvents } from '../log/captured-events.js';
export { requirePeer } from './require-peer.js';
export {
  REACTOR_KINDS,
  forEachReactor,
  createReactorHarness,
  type ReactorKind,
  type ReactorHarness,
  type ReactorMatrixHooks,
  type ReactorMatrixOptions,
} from './reactor-matrix.js';
export { signal, type Signal } from './signal.js';
export {
  waitForTCPPort,
  freeTCPPort,
  PortWaitError,
  type WaitForTCPPortOptions,
} from './wait-for-port.js';
export {
  startPeerProcess,
  stopPeerProcesses,
  PeerProcess,
  PeerProcessError,
  type PeerProcessOptions,
  type PeerExit,
  type StopPeerOptions,
} from './peer-process.js';
export { Recorder, Echo } from './recording-protocols.js';
export {
  NodeReactorHarness,
  startNodeReactor,
  stopNodeReactor,
  QUIET_REACTOR_OPTIONS,
} from './node-reactor-harness.js';
export {
  startPluginService,
  listeningPortsOf,
  type PluginServiceOptions,
  type RunningPluginService,
} from './plugin-service.js';
export { exchangeOverTCP, type TCPExchangeOptions } from './tcp-exchange.js';
