import assert from 'node:assert/strict';
import { it } from 'node:test';
import { screenRequest } from '../../../../src/dataplane/http/request-screening.js';

const cases: [string, string, string, string[], [ 'severe' | 'ambiguous', RegExp] | null][] = [
  ['plain GET', 'GET', '1.1', ['Host', 'x'], null],
  ['POST with Content-Length', 'POST', '1.1', ['Host', 'x', 'Content-Length', '5'], null],
  ['GET with Content-Length 0', 'GET', '1.1', ['Host', 'x', 'Content-Length', '0'], null],
  ['GET with a body', 'GET', '1.1', ['Host', 'x', 'Content-Length', '5'], ['ambiguous', /GET request with a body/]],
  ['HEAD with chunked', 'HEAD', '1.1', ['Host', 'x', 'Transfer-Encoding', 'chunked'], ['ambiguous', /HEAD request with a body/]],
  ['Transfer_Encoding', 'POST', '1.1', ['Host', 'x', 'Transfer_Encoding', 'chunked'], ['ambiguous', /looks like transfer-encoding/]],
  ['Content--Length', 'POST', '1.1', ['Host', 'x', 'Content--Length', '1'], ['ambiguous', /looks like content-length/]],
  ['TE in HTTP/1.0', 'POST', '1.0', ['Transfer-Encoding', 'chunked'], ['severe', /HTTP\/1\.0/]],
  ['CL in HTTP/0.9', 'POST', '0.9', ['Content-Length', '1'], ['severe', /HTTP\/0\.9/]],
  ['two Host headers', 'GET', '1.1', ['Host', 'a', 'host', 'b'], ['severe', /more than one Host/]],
  ['a lookalike name, then a severe finding', 'GET', '1.1', ['Host', 'a', 'Content_Length', '1', 'Host', 'b'], ['severe', /more than one Host/]],
  ['TE lookalike in HTTP/1.0 with a real TE', 'POST', '1.0', ['Transfer_Encoding', 'x', 'Transfer-Encoding', 'chunked'], ['severe', /HTTP\/1\.0/]],
];
for (const [name, method, version, raw, expected] of cases) {
  it(name, () => {
    const verdict = screenRequest(method, version, raw);
    if (expected === null) assert.equal(verdict, null);
    else {
      assert.equal(verdict?.severity, expected[0]);
      assert.match(verdict.reason, expected[1]);
    }
  });
}
