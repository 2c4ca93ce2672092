// TLS abuse against an HTTPS listener: client-initiated renegotiation is refused (openssl s_client
// -tls1_2, then R), and a handshake that never finishes is dropped after timeout_client_data.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import type { AbuseEngine } from '../helpers/abuse-engines.js';
import { eventually, startCountingMember } from '../helpers/abuse-member.js';
import { tryRenegotiation } from '../helpers/openssl-renegotiate.js';
import type { TestCa } from '../helpers/test-ca.js';

const SERVERNAME = 'abuse.test';

export function tlsHandshakesSuite(engine: AbuseEngine, ca: TestCa): void {
  const certificate = ca.issueServer([SERVERNAME]).snapshot('abuse');

  describe(`${engine.name} engine: TLS handshakes`, { timeout: 60_000 }, () => {
    it('refuses client-initiated renegotiation (openssl s_client -tls1_2, then R)', async (t) => {
      const member = await startCountingMember(t);
      const { port } = await engine.startHttps(t, { members: [member.port], certificate });
      const output = await tryRenegotiation(t, port, SERVERNAME, ca.caFile);
      assert.match(output, /RENEGOTIATING/);
      assert.match(output, /no renegotiation/);
      assert.doesNotMatch(output.slice(output.indexOf('RENEGOTIATING')), /verify return/);
    });

    it('drops a handshake that does not finish within timeout_client_data', async (t) => {
      const member = await startCountingMember(t);
      const { port } = await engine.startHttps(t, { members: [member.port], certificate, timeouts: { clientData: 500 } });
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      t.after(() => socket.destroy());
      let closed = false;
      socket.once('close', () => { closed = true; });
      // A TLS record header promising a ClientHello that never comes.
      socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]));
      await eventually(() => closed, 'the server to close the half-open handshake');
    });
  });
}
