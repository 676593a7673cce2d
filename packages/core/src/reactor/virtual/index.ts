/**
 * @tw/core/virtual — the virtual-time reactor and its simulated network of named hosts.
 */
export {
  SimulatedNetwork,
  type SimulatedHostOptions,
  type NetworkSettings,
  type Transmission,
} from './simulated-network.js';
export {
  DEFAULT_LINK_CONDITIONS,
  seededRandom,
  type LinkConditions,
  type ResolvedLinkConditions,
  type SimulatedNetworkOptions,
} from './network-options.js';
export { VirtualReactor } from './virtual-reactor.js';
export { VirtualClock, VirtualDelayedCall } from './virtual-clock.js';
export { TimeDriver, type Awaitable } from './time-driver.js';
export { VirtualResolver } from './virtual-resolver.js';
export { VirtualStreamTransport } from './virtual-stream-transport.js';
export { VirtualConnector, type VirtualDestination } from './virtual-connector.js';
export { VirtualListeningPort } from './virtual-port.js';
export { VirtualUDPPort } from './virtual-udp.js';
export { VirtualTimeoutError, SimulatedHostError, NotSimulatedError } from './errors.js';
