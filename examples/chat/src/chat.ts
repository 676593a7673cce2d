import { Factory, LineReceiver, type Failure } from '@tw/core';

const decoder = new TextDecoder('utf-8', { fatal: false });
const VALID_NAME = /^[\p{L}\p{N}_-]{1,24}$/u;

/** Everyone connected, by name. Names are unique; messages go to all but the sender. */
export class ChatRoom {
  readonly members = new Map<string, ChatProtocol>();

  join(name: string, member: ChatProtocol): boolean {
    if (this.members.has(name)) return false;
    this.members.set(name, member);
    this.broadcast(`* ${name} joined (${this.members.size} here)`, member);
    return true;
  }

  leave(name: string): void {
    if (this.members.delete(name)) this.broadcast(`* ${name} left`);
  }

  broadcast(line: string, except?: ChatProtocol): void {
    for (const member of this.members.values()) {
      if (member !== except) member.sendLine(line);
    }
  }
}

/**
 * One chat user, line by line (UTF-8, CRLF or LF): the first line is the name, then every line
 * is said to the room. `/who` lists the room, `/quit` leaves.
 */
export class ChatProtocol extends LineReceiver {
  override delimiter = new Uint8Array([0x0a]);
  override MAX_LENGTH = 1024;
  name: string | null = null;

  constructor(private readonly room: ChatRoom) {
    super();
  }

  override connectionMade(): void {
    this.sendLine('Welcome to the @tw chat. What is your name?');
  }

  override lineReceived(raw: Uint8Array): void {
    const line = decoder.decode(raw).replace(/\r$/, '');
    if (this.name === null) return this.chooseName(line.trim());
    if (line === '/quit') {
      this.sendLine('Bye.');
      this.transport.loseConnection();
    } else if (line === '/who') {
      this.sendLine(`Here: ${[...this.room.members.keys()].join(', ')}`);
    } else if (line.length > 0) {
      this.room.broadcast(`<${this.name}> ${line}`, this);
    }
  }

  override lineLengthExceeded(): void {
    this.sendLine(`Lines are limited to ${this.MAX_LENGTH} bytes; closing.`);
    this.transport.loseConnection();
  }

  override connectionLost(reason: Failure): void {
    if (this.name !== null) this.room.leave(this.name);
    super.connectionLost(reason);
  }

  private chooseName(name: string): void {
    if (!VALID_NAME.test(name)) {
      this.sendLine('Names are 1 to 24 letters, digits, "_" or "-". Try again:');
    } else if (!this.room.join(name, this)) {
      this.sendLine(`"${name}" is taken. Try another:`);
    } else {
      this.name = name;
      this.sendLine(`Hello ${name}. ${this.room.members.size} here. /who lists, /quit leaves.`);
    }
  }
}

/** One room per factory: every connection the factory builds joins it. */
export class ChatFactory extends Factory<ChatProtocol> {
  readonly room = new ChatRoom();

  override buildProtocol(): ChatProtocol {
    const protocol = new ChatProtocol(this.room);
    protocol.factory = this;
    return protocol;
  }
}
