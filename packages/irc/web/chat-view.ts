/// <reference lib="dom" />
/**
 * The page's DOM, written with textContent only: nothing a peer sends is ever parsed as HTML.
 */

/** What the message list shows: a chat line, an event (join, part, …) or an error. */
export type LineKind = 'message' | 'action' | 'notice' | 'event' | 'error';

/** The most lines kept in the list; older ones are removed so a busy channel stays bounded. */
const MAX_LINES = 1000;

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`The page has no #${id}.`);
  return node as T;
}

/** Hands on the page's elements. */
export class ChatView {
  readonly connectForm = byId<HTMLFormElement>('connect-form');
  readonly nickInput = byId<HTMLInputElement>('nick');
  readonly channelInput = byId<HTMLInputElement>('channel');
  readonly connectButton = byId<HTMLButtonElement>('connect');
  readonly disconnectButton = byId<HTMLButtonElement>('disconnect');
  readonly sendForm = byId<HTMLFormElement>('send-form');
  readonly messageInput = byId<HTMLInputElement>('message');
  readonly sendButton = byId<HTMLButtonElement>('send');
  private readonly status = byId<HTMLElement>('status');
  private readonly messages = byId<HTMLOListElement>('messages');
  private readonly users = byId<HTMLUListElement>('users');
  private readonly userCount = byId<HTMLElement>('user-count');

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  /** Connected: the send form is usable, the connect form is not (and the reverse). */
  setConnected(connected: boolean): void {
    this.nickInput.disabled = connected;
    this.channelInput.disabled = connected;
    this.connectButton.disabled = connected;
    this.disconnectButton.disabled = !connected;
    this.messageInput.disabled = !connected;
    this.sendButton.disabled = !connected;
    if (connected) this.messageInput.focus();
    else this.users.replaceChildren();
    if (!connected) this.userCount.textContent = '';
  }

  /** Append one line: `nick` (or none for events) and its text. */
  addLine(kind: LineKind, text: string, nick?: string, time: Date = new Date()): void {
    const item = element('li', kind);
    const stamp = element('time', 'time', time.toTimeString().slice(0, 5));
    stamp.dateTime = time.toISOString();
    item.append(stamp);
    if (nick !== undefined) {
      item.append(element('span', 'nick', kind === 'action' ? `* ${nick}` : `<${nick}>`));
    }
    item.append(element('span', 'text', text));
    const atBottom =
      this.messages.scrollTop + this.messages.clientHeight >= this.messages.scrollHeight - 4;
    this.messages.append(item);
    while (this.messages.childElementCount > MAX_LINES) this.messages.firstElementChild?.remove();
    if (atBottom) this.messages.scrollTop = this.messages.scrollHeight;
  }

  /** Show the channel's members, `prefixes` being their status symbols (@, +). */
  showUsers(members: ReadonlyArray<readonly [nick: string, prefixes: string]>): void {
    const rank = (prefixes: string): number =>
      prefixes === '' ? 9 : '~&@%+'.indexOf(prefixes[0]!);
    const sorted = [...members].sort(
      ([a, pa], [b, pb]) => rank(pa) - rank(pb) || a.localeCompare(b),
    );
    this.users.replaceChildren(
      ...sorted.map(([nick, prefixes]) => {
        const item = element('li', 'user', `${prefixes.charAt(0)}${nick}`);
        item.dataset['nick'] = nick;
        return item;
      }),
    );
    this.userCount.textContent = `(${sorted.length})`;
  }
}
