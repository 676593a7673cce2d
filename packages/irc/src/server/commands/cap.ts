import { Numerics } from '../../wire/numerics.js';
import type { IRCServerProtocol } from '../connection.js';
import type { CommandGroup } from './command.js';
import { saslMechanisms } from './sasl.js';

/** The capabilities offered to this client, with their 302 values. */
function offered(conn: IRCServerProtocol): Map<string, string> {
  const caps = new Map<string, string>();
  for (const cap of conn.config.capabilities) {
    if (cap === 'sasl') {
      // Only mechanisms the account portal can check; none → no sasl at all.
      const mechanisms = saslMechanisms(conn.config);
      if (mechanisms.length > 0) caps.set('sasl', mechanisms.join(','));
    } else {
      caps.set(cap, '');
    }
  }
  return caps;
}

/** Long capability lists are sent over several lines (`CAP * LS * :…`) under 302. */
function sendCapList(conn: IRCServerProtocol, sub: string, tokens: string[]): void {
  const lines: string[] = [];
  let line = '';
  for (const token of tokens) {
    if (line !== '' && line.length + token.length + 1 > 400) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? token : `${line} ${token}`;
  }
  lines.push(line);
  const source = conn.config.serverName;
  lines.forEach((text, i) => {
    const more = i < lines.length - 1 && conn.capVersion >= 302;
    conn.send({
      source,
      command: 'CAP',
      params: more ? [conn.target, sub, '*', text] : [conn.target, sub, text],
    });
  });
}

export const capCommands: CommandGroup = {
  CAP: {
    when: 'any',
    minParams: 1,
    handle(conn, { params }) {
      const sub = params[0]!.toUpperCase();
      const unregistered = conn.state === 'unregistered';
      switch (sub) {
        case 'LS': {
          if (unregistered) conn.capNegotiating = true;
          const version = Number.parseInt(params[1] ?? '0', 10) || 0;
          const caps = offered(conn);
          if (version >= 302) {
            conn.capVersion = Math.max(conn.capVersion, version);
            // Clients that speak 302 get cap-notify without asking (IRCv3 cap-notify).
            if (caps.has('cap-notify')) conn.enabledCaps.add('cap-notify');
          }
          const tokens = [...caps].map(([name, value]) =>
            value !== '' && conn.capVersion >= 302 ? `${name}=${value}` : name,
          );
          sendCapList(conn, 'LS', tokens);
          return;
        }
        case 'LIST':
          sendCapList(conn, 'LIST', [...conn.enabledCaps]);
          return;
        case 'REQ': {
          if (unregistered) conn.capNegotiating = true;
          const requested = (params[1] ?? '').trim();
          const names = requested.split(/ +/).filter((n) => n !== '');
          const caps = offered(conn);
          const ok = names.length > 0 && names.every((n) => caps.has(n.replace(/^-/, '')));
          if (!ok) {
            conn.send({
              source: conn.config.serverName,
              command: 'CAP',
              params: [conn.target, 'NAK', requested],
            });
            return;
          }
          for (const name of names) {
            if (name.startsWith('-')) conn.enabledCaps.delete(name.slice(1));
            else conn.enabledCaps.add(name);
          }
          conn.send({
            source: conn.config.serverName,
            command: 'CAP',
            params: [conn.target, 'ACK', requested],
          });
          return;
        }
        case 'END':
          if (!unregistered) return;
          conn.capNegotiating = false;
          conn.maybeRegister();
          return;
        default:
          conn.numeric(Numerics.ERR_INVALIDCAPCMD, params[0]!, 'Invalid CAP command');
      }
    },
  },
};
