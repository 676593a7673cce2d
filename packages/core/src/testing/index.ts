/**
 * @tw/core/testing — the test kit: transports that record, fake reactors and clocks, and pumps
 * that connect two protocols in memory. Other packages' tests build on it.
 */
export { StringTransport, concatBytes, type ProducerState } from './string-transport.js';
export { Clock } from '../task/clock.js';
