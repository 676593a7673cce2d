import { TRANSPORT_KINDS, connectOver } from '@tw/core/testing';
import { describe, expect, it } from 'vitest';

import { SSH2ClientProtocol, exec, serverFactory } from './server-fixtures.js';

describe('SSH server over every @tw transport', () => {
  for (const kind of TRANSPORT_KINDS) {
    it(`authenticates and runs an exec channel over ${kind}`, async () => {
      const connection = await connectOver(kind, {
        server: ({ reactor }) =>
          serverFactory(reactor).buildProtocol({ family: 'memory', name: 'client' })!,
        client: () => new SSH2ClientProtocol(),
      });
      try {
        const client = connection.client;
        await connection.until(() => client.ready || client.error !== null);
        expect(client.error).toBeNull();
        const result = exec(client.client, 'cat', 'hello over ssh\n');
        await connection.until(() => result.done);
        expect(result).toMatchObject({ stdout: 'hello over ssh\n', code: 0, error: null });
        client.client.end();
        await connection.until(() => client.closed);
      } finally {
        await connection.close();
      }
    });
  }
});
