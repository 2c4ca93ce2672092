import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { ApiClient, ApiError } from '../../../src/cli/api-client.js';
import { resolveToken } from '../../../src/cli/client-options.js';

function client(respond: (url: string, init: RequestInit | undefined) => Response, seen: string[] = []): ApiClient {
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit) => {
    seen.push(`${init?.method ?? 'GET'} ${String(input)}`);
    return respond(String(input), init);
  };
  return new ApiClient({ url: 'http://api.test/', token: 't0k', fetch: fetchImpl as typeof fetch });
}

describe('ApiClient', () => {
  it('follows <plural>_links rel=next until the last page', async () => {
    const seen: string[] = [];
    const c = client((url) => {
      const marker = new URL(url).searchParams.get('marker');
      const body = marker === null
        ? { pools: [{ id: 'a' }, { id: 'b' }], pools_links: [{ rel: 'next', href: 'http://api.test/v2/lbaas/pools?limit=2&marker=b' }] }
        : { pools: [{ id: 'c' }], pools_links: [] };
      return Response.json(body);
    }, seen);
    assert.deepEqual((await c.listAll('/v2/lbaas/pools?limit=2', 'pools')).map((p) => p.id), ['a', 'b', 'c']);
    assert.deepEqual(seen, ['GET http://api.test/v2/lbaas/pools?limit=2', 'GET http://api.test/v2/lbaas/pools?limit=2&marker=b']);
  });

  it('sends the token and JSON, and turns error bodies into ApiError', async () => {
    let headers: Record<string, string> = {};
    const c = client((_url, init) => {
      headers = init?.headers as Record<string, string>;
      return Response.json({ faultcode: 'Client', faultstring: 'Invalid input for field/attribute weight', code: 'INVALID_BODY' }, { status: 400 });
    });
    await assert.rejects(c.post('/v2/lbaas/pools/p/members', { member: { weight: 999 } }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 400);
      assert.equal(err.code, 'INVALID_BODY');
      assert.equal(err.message, 'Invalid input for field/attribute weight');
      return true;
    });
    assert.equal(headers['x-auth-token'], 't0k');
    assert.equal(headers['content-type'], 'application/json');
  });

  it('names the HTTP status when the error body is not the API\'s', async () => {
    const c = client(() => new Response('<html>bad gateway</html>', { status: 502 }));
    await assert.rejects(c.get('/v2/lbaas/pools'), { name: 'ApiError', code: 'HTTP_502', message: 'GET /v2/lbaas/pools failed: HTTP 502' });
  });

  it('says which address it could not reach', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    const { port } = probe.address() as AddressInfo;
    await new Promise((done) => probe.close(done));
    const c = new ApiClient({ url: `http://127.0.0.1:${port}`, token: undefined, fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(10_000) }) });
    await assert.rejects(c.get('/v2/lbaas/pools'), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.code, 'UNREACHABLE');
      assert.match(err.message, new RegExp(`^cannot reach the API at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
      return true;
    });
  });
});

describe('token resolution', () => {
  it('prefers --token, then ELBOW_API_TOKEN, then the data directory file', () => {
    assert.equal(resolveToken({ token: 'flag' }, { ELBOW_API_TOKEN: 'env' }), 'flag');
    assert.equal(resolveToken({}, { ELBOW_API_TOKEN: 'env' }), 'env');
    assert.equal(resolveToken({ dataDir: '/nonexistent' }, {}), undefined);
  });
});
