import type { IRCMessage } from '../wire/message.js';
import { escapeTagValue } from '../wire/tags.js';

/** The spec's ceiling for a label: longer ones are not echoed (the command still runs). */
const MAX_LABEL_BYTES = 64;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What a labeled response needs to know about the connection it answers on. */
interface LabeledLink {
  readonly enabledCaps: ReadonlySet<string>;
  readonly config: { readonly serverName: string };
}

/** `line` (CR LF included) with `tag` (already `key=value`) added to its tag section. */
function withTag(line: string, tag: string): string {
  return line.startsWith('@') ? `@${tag};${line.slice(1)}` : `@${tag} ${line}`;
}

/**
 * IRCv3 labeled-response: while a command carrying `@label=…` runs, the replies to its sender
 * are held here; afterwards one reply gets the label, several go out inside a
 * `BATCH +id labeled-response` carrying it, and none at all give `ACK`.
 *
 * A command that finishes later (a SASL check the portal delays) keeps its collector parked
 * by the connection until then (IRCServerProtocol.suspendInput/resumeInput).
 */
export class LabeledResponse {
  private readonly held: string[] = [];

  private constructor(
    private readonly label: string,
    private readonly serverName: string,
    private readonly batch: boolean,
  ) {}

  /** A collector for `message`'s replies, or null when it is not labeled (or the cap is off). */
  static forMessage(link: LabeledLink, message: IRCMessage): LabeledResponse | null {
    if (!link.enabledCaps.has('labeled-response')) return null;
    const label = message.tags.get('label');
    if (label === undefined || label === '' || encoder.encode(label).length > MAX_LABEL_BYTES) {
      return null;
    }
    return new LabeledResponse(label, link.config.serverName, link.enabledCaps.has('batch'));
  }

  /** Keep one formatted line (CR LF included) for the response. */
  hold(line: Uint8Array): void {
    this.held.push(decoder.decode(line));
  }

  /** The lines to send, labeled; `batchId` names the batch if one is needed. */
  finish(batchId: string): Uint8Array[] {
    const label = `label=${escapeTagValue(this.label)}`;
    const lines = this.held;
    if (lines.length === 0) {
      return [encoder.encode(`@${label} :${this.serverName} ACK\r\n`)];
    }
    if (lines.length === 1) return [encoder.encode(withTag(lines[0]!, label))];
    // Without batch the replies cannot be tied together: they go out unlabeled.
    if (!this.batch) return lines.map((line) => encoder.encode(line));
    return [
      encoder.encode(`@${label} :${this.serverName} BATCH +${batchId} labeled-response\r\n`),
      ...lines.map((line) => encoder.encode(withTag(line, `batch=${batchId}`))),
      encoder.encode(`:${this.serverName} BATCH -${batchId}\r\n`),
    ];
  }
}
