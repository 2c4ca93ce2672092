import assert from 'node:assert/strict';
import { it } from 'node:test';
import { screenRequest } from '../../../../src/dataplane/http/request-screening.js';

const cases: [string, string, string, string[], RegExp | null][] = [
  ['plain GET', 'GET', '1.1', ['Host', 'x'], null],
  ['POST with Content-Length', 'POST', '1.1', ['Host', 'x', 'Content-Length', '5'], null],
  ['GET with Content-Length 0', 'GET', '1.1', ['Host', 'x', 'Content-Length', '0'], null],
  ['GET with a body', 'GET', '1.1', ['Host', 'x', 'Content-Length', '5'], /GET request with a body/],
  ['HEAD with chunked', 'HEAD', '1.1', ['Host', 'x', 'Transfer-Encoding', 'chunked'], /HEAD request with a body/],
  ['Transfer_Encoding', 'POST', '1.1', ['Host', 'x', 'Transfer_Encoding', 'chunked'], /looks like transfer-encoding/],
  ['Content--Length', 'POST', '1.1', ['Host', 'x', 'Content--Length', '1'], /looks like content-length/],
  ['TE in HTTP/1.0', 'POST', '1.0', ['Transfer-Encoding', 'chunked'], /HTTP\/1\.0/],
  ['CL in HTTP/0.9', 'POST', '0.9', ['Content-Length', '1'], /HTTP\/0\.9/],
  ['two Host headers', 'GET', '1.1', ['Host', 'a', 'host', 'b'], /more than one Host/],
];
for (const [name, method, version, raw, expected] of cases) {
  it(name, () => {
    const verdict = screenRequest(method, version, raw);
    if (expected === null) assert.equal(verdict, null);
    else assert.match(verdict ?? '', expected);
  });
}
