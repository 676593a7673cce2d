/// <reference lib="dom" />
/**
 * The IRC web client: the real @tw/irc IRCClient on @tw/core's BrowserReactor, over a WebSocket
 * to a bridge (WebSocketBridgeResource in @tw/http) that relays bytes to an IRC server.
 */
import {
  BrowserReactor,
  ClientService,
  backoffPolicy,
  browserClientFromString,
  type Failure,
} from '@tw/core/browser';

import { IRCClientFactory, isValidChannelName, isValidNick, type IRCClient } from '@tw/irc';
import { ChatView } from './chat-view.js';

/**
 * The bridge: `ws` beside the page (the page at /irc/ talks to /irc/ws), or `?bridge=PATH`.
 * Same origin only, so the page cannot be pointed at someone else's server by a link.
 */
function bridgeDescription(): string {
  const page = new URL(location.href);
  const path = new URL(page.searchParams.get('bridge') ?? 'ws', page).pathname;
  return `${page.protocol === 'https:' ? 'wss' : 'ws'}:path=${path.replace(/:/g, '\\:')}`;
}

const view = new ChatView();
const reactor = new BrowserReactor();
reactor.run();

let client: IRCClient | null = null;
let channel = '';
/** Keeps the connection up: reconnects with backoff when the link drops, until the user quits. */
let service: ClientService<IRCClient> | null = null;

function refreshUsers(): void {
  const joined = client?.channels.get(channel);
  view.showUsers(joined === undefined ? [] : [...joined.members.byNick]);
}

function attach(irc: IRCClient): void {
  irc.on('registered', ({ nickname, server }) => {
    // The factory (re)joins the channels we are in.
    view.setStatus(`Connected to ${server} as ${nickname}.`);
  });
  irc.on('joined', (e) => {
    channel = e.channel;
    view.addLine('event', `You joined ${e.channel}.`, undefined, e.time);
    refreshUsers();
  });
  irc.on('left', (e) => {
    view.addLine('event', `You left ${e.channel}.`, undefined, e.time);
    refreshUsers();
  });
  irc.on('privmsg', (e) => {
    const where =
      e.channel === null ? '(private) ' : e.channel === channel ? '' : `(${e.channel}) `;
    view.addLine('message', `${where}${e.text}`, e.source.nick, e.time);
  });
  irc.on('action', (e) => view.addLine('action', e.text, e.source.nick, e.time));
  irc.on('noticed', (e) => view.addLine('notice', e.text, e.source.nick || 'server', e.time));
  irc.on('userJoined', (e) => {
    view.addLine('event', `${e.source.nick} joined ${e.channel}.`, undefined, e.time);
    refreshUsers();
  });
  irc.on('userLeft', (e) => {
    const why = e.reason === null || e.reason === '' ? '' : ` (${e.reason})`;
    view.addLine('event', `${e.source.nick} left ${e.channel}${why}.`, undefined, e.time);
    refreshUsers();
  });
  irc.on('userQuit', (e) => {
    const why = e.reason === null || e.reason === '' ? '' : ` (${e.reason})`;
    view.addLine('event', `${e.source.nick} quit${why}.`, undefined, e.time);
    refreshUsers();
  });
  irc.on('userKicked', (e) => {
    view.addLine('event', `${e.kicked} was kicked by ${e.kicker.nick}.`, undefined, e.time);
    refreshUsers();
  });
  irc.on('kickedFrom', (e) => {
    view.addLine('error', `You were kicked from ${e.channel} by ${e.kicker.nick}.`);
    refreshUsers();
  });
  irc.on('nickChanged', (e) => {
    view.addLine('event', `You are now known as ${e.newNick}.`, undefined, e.time);
    refreshUsers();
  });
  irc.on('userRenamed', (e) => {
    view.addLine('event', `${e.oldNick} is now known as ${e.newNick}.`, undefined, e.time);
    refreshUsers();
  });
  irc.on('topicUpdated', (e) => {
    if (e.topic !== '') view.addLine('event', `Topic of ${e.channel}: ${e.topic}`);
  });
  irc.on('modeChanged', () => refreshUsers());
  irc.on('serverError', (e) => view.addLine('error', e.message));
  irc.on('message', ({ message }) => {
    // 366 ends a NAMES reply: the member list is complete. Error numerics are shown.
    if (message.command === '366') refreshUsers();
    else if (/^[45]\d\d$/.test(message.command)) {
      view.addLine('error', message.params.slice(1).join(' '));
    }
  });
}

function connect(nick: string, wanted: string): void {
  channel = wanted;
  view.setStatus('Connecting…');
  view.connectButton.disabled = true;
  const factory = new IRCClientFactory({ nickname: nick, reactor, realname: 'tw web client' }, [
    wanted,
  ]);
  const buildProtocol = factory.buildProtocol.bind(factory);
  factory.buildProtocol = (addr) => adopt(buildProtocol(addr));
  const retry = backoffPolicy({ initialDelay: 1, maxDelay: 30 });
  const current = new ClientService<IRCClient>(
    browserClientFromString(reactor, bridgeDescription()),
    factory,
    {
      clock: reactor,
      retryPolicy: (failures) => {
        const delay = retry(failures);
        view.setStatus(`Not connected; trying again in ${Math.ceil(delay)} s…`);
        return delay;
      },
      prepareConnection: (irc) => irc.whenRegistered(),
    },
  );
  service = current;
  view.setConnected(true);
  current.startService();
}

/** A new connection's client: show what it hears, and say when its link drops. */
function adopt(irc: IRCClient): IRCClient {
  client = irc;
  attach(irc);
  view.setStatus('Registering…');
  const connectionLost = irc.connectionLost.bind(irc);
  irc.connectionLost = (reason: Failure) => {
    connectionLost(reason);
    if (client === irc) client = null;
    const why = reason.getErrorMessage();
    if (service !== null) view.addLine('error', `Connection lost (${why}); reconnecting…`);
    else view.setStatus(`Disconnected: ${why}`);
  };
  return irc;
}

/** The user quits: say goodbye, then stop reconnecting. */
function leave(reason: string): void {
  const stopping = service;
  service = null;
  view.setConnected(false);
  const irc = client;
  const stop = (): void => void stopping?.stopService();
  if (irc === null) {
    stop();
    view.setStatus('Disconnected.');
  } else {
    irc.quit(reason).addBoth(stop);
  }
}

/** A line typed by the user: text for the channel, or one of a few slash commands. */
function submit(line: string): void {
  const irc = client;
  if (irc === null || line.trim() === '') return;
  if (!line.startsWith('/') || line.startsWith('//')) {
    const text = line.startsWith('//') ? line.slice(1) : line;
    irc.msg(channel, text);
    // Without echo-message the server does not send our own lines back: show them here.
    if (!irc.capabilities.has('echo-message')) view.addLine('message', text, irc.nickname);
    return;
  }
  const [command = '', ...rest] = line.slice(1).split(' ');
  const argument = rest.join(' ').trim();
  switch (command.toLowerCase()) {
    case 'join':
      if (!isValidChannelName(argument)) view.addLine('error', `Not a channel name: ${argument}`);
      else {
        channel = argument;
        irc.join(argument);
      }
      return;
    case 'part':
      irc.part(channel, argument === '' ? undefined : argument);
      return;
    case 'nick':
      if (!isValidNick(argument, 30)) view.addLine('error', `Not a nickname: ${argument}`);
      else irc.setNick(argument);
      return;
    case 'me':
      irc.me(channel, argument);
      if (!irc.capabilities.has('echo-message')) view.addLine('action', argument, irc.nickname);
      return;
    case 'quit':
      leave(argument === '' ? 'Leaving' : argument);
      return;
    default:
      view.addLine('error', `Unknown command /${command}. Try /join, /part, /nick, /me, /quit.`);
  }
}

view.connectForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const nick = view.nickInput.value.trim();
  const wanted = view.channelInput.value.trim();
  if (!isValidNick(nick, 30)) {
    view.setStatus(`"${nick}" is not a valid nickname.`);
    view.nickInput.focus();
    return;
  }
  if (!isValidChannelName(wanted)) {
    view.setStatus(`"${wanted}" is not a valid channel name (it starts with #).`);
    view.channelInput.focus();
    return;
  }
  connect(nick, wanted);
});

view.sendForm.addEventListener('submit', (event) => {
  event.preventDefault();
  submit(view.messageInput.value);
  view.messageInput.value = '';
});

view.disconnectButton.addEventListener('click', () => {
  leave('Leaving');
});
