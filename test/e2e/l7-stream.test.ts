// A 1 GB upload and a 1 GB download streamed through an HTTP listener: the bodies flow with
// backpressure and are never buffered whole, so the process's RSS grows far less than the body.
// (Client, listener and member all run in this process, so the bound covers all three.)

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHttpListener } from '../../src/dataplane/listeners/http.js';
import { FakeContext, listener, member, pool } from '../helpers/fake-pools.js';
import { startBackend, startListener } from '../helpers/l7-harness.js';

const BODY_BYTES = 1024 ** 3;
const CHUNK = Buffer.alloc(256 * 1024, 0x61);
/** A memory bound, not a timing threshold: RSS growth must stay well under the 1 GB body. */
const MAX_RSS_GROWTH = 200 * 1024 ** 2;

function body(): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= BODY_BYTES) return void this.push(null);
      sent += CHUNK.length;
      this.push(CHUNK);
    },
  });
}

function counter(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      sink.bytes += chunk.length;
      callback();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

/** Runs `work` while sampling RSS; returns the peak growth over the starting RSS. */
async function rssGrowth(work: () => Promise<void>): Promise<number> {
  global.gc?.();
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 50);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss()) - start;
}

describe('streaming through an HTTP listener', { timeout: 180_000 }, () => {
  it('uploads 1 GB with bounded memory', async (t) => {
    let received = 0;
    const backend = await startBackend(t, 'sink', (req, res) => {
      req.on('data', (chunk: Buffer) => { received += chunk.length; });
      req.on('end', () => res.end(String(received)));
    });
    const context = new FakeContext([pool('pool-1', [member(backend.port)])]);
    const { port } = await startListener(t, createHttpListener, listener(), context);
    let answer = '';
    const growth = await rssGrowth(async () => {
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/upload', agent: false, headers: { 'content-length': BODY_BYTES } }, (res) => {
          res.setEncoding('utf8').on('data', (chunk: string) => { answer += chunk; });
          res.on('end', resolve);
        });
        req.on('error', reject);
        pipeline(body(), req).catch(reject);
      });
    });
    assert.equal(answer, String(BODY_BYTES));
    t.diagnostic(`RSS growth ${Math.round(growth / 1024 ** 2)} MB`);
    assert.ok(growth < MAX_RSS_GROWTH, `RSS grew by ${Math.round(growth / 1024 ** 2)} MB`);
  });

  it('downloads 1 GB with bounded memory', async (t) => {
    const backend = await startBackend(t, 'source', (req, res) => {
      res.writeHead(200, { 'content-length': BODY_BYTES });
      void pipeline(body(), res).catch(() => undefined);
      req.resume();
    });
    const context = new FakeContext([pool('pool-1', [member(backend.port)])]);
    const { port } = await startListener(t, createHttpListener, listener(), context);
    const sink = counter();
    const growth = await rssGrowth(async () => {
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/download', agent: false }, (res) => {
          pipeline(res, sink).then(resolve, reject);
        });
        req.on('error', reject);
        req.end();
      });
    });
    assert.equal(sink.bytes, BODY_BYTES);
    t.diagnostic(`RSS growth ${Math.round(growth / 1024 ** 2)} MB`);
    assert.ok(growth < MAX_RSS_GROWTH, `RSS grew by ${Math.round(growth / 1024 ** 2)} MB`);
  });
});
