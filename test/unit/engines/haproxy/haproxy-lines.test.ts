// The level at which elbow logs HAProxy's stderr lines: alerts as errors, a reload's and a
// server's routine warnings as info, the per-proxy lines of every reload as debug.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { haproxyLineLevel } from '../../../../src/engines/haproxy/haproxy-process.js';

it('HAProxy lines: ALERT is an error, per-proxy reload lines debug, routine warnings info, the rest warn', () => {
  const cases: [string | undefined, string, string][] = [
    ['ALERT', 'Binding [haproxy.cfg:20] for frontend l1: cannot bind socket (Address already in use) for [127.0.0.1:80]', 'error'],
    ['EMERG', 'out of memory', 'error'],
    ['WARNING', 'Proxy 9799b384-f505-4e40-9021-a1662a13d902 stopped (cumulated conns: FE: 1, BE: 0).', 'debug'],
    ['WARNING', 'Stopping frontend GLOBAL in 0 ms.', 'debug'],
    ['WARNING', 'Former worker (12685) exited with code 0 (Exit)', 'info'],
    ['WARNING', 'Server p1/m1 is DOWN, reason: Layer4 connection problem', 'info'],
    ['WARNING', 'config : parsing [haproxy.cfg:12] : a keyword elbow did not expect', 'warn'],
    ['NOTICE', 'haproxy version is 2.6.12', 'debug'],
    [undefined, 'a line without a level', 'debug'],
  ];
  for (const [level, message, expected] of cases) assert.equal(haproxyLineLevel(level, message), expected, `${level}: ${message}`);
});
