// A small frame-level HTTP/2 client for abuse tests: it speaks the wire format itself (RFC 9113
// frames, HPACK literals without indexing), so it can do what a polite client (node:http2, curl)
// never does: open more streams than the server allows, reset them at once (Rapid Reset), keep a
// zero flow-control window, leave a request body unfinished. It records what the server sends per
// stream (heads, DATA bytes, END_STREAM, RST_STREAM code) and for the connection (SETTINGS,
// GOAWAY, close). Response heads are counted, not decoded.

import { connect, type TLSSocket } from 'node:tls';

export const FrameType = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 } as const;
export const Setting = { HEADER_TABLE_SIZE: 1, ENABLE_PUSH: 2, MAX_CONCURRENT_STREAMS: 3, INITIAL_WINDOW_SIZE: 4, MAX_FRAME_SIZE: 5 } as const;
export const H2Error = { NO_ERROR: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2, REFUSED_STREAM: 7, CANCEL: 8, ENHANCE_YOUR_CALM: 11 } as const;

const FLAG_END_STREAM = 0x1;
const FLAG_ACK = 0x1;
const FLAG_END_HEADERS = 0x4;
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export interface StreamRecord {
  readonly id: number;
  /** HEADERS frames received (a response head, or trailers). */
  heads: number;
  dataBytes: number;
  /** The server ended its side (END_STREAM). */
  ended: boolean;
  /** RST_STREAM code from the server; null: none. */
  resetByServer: number | null;
}

export interface RequestOptions {
  readonly method?: string;
  /** END_STREAM on the head (default true): no body follows. */
  readonly endStream?: boolean;
  readonly authority?: string;
  readonly headers?: readonly (readonly [string, string])[];
}

export interface FrameClientOptions {
  readonly port: number;
  readonly servername: string;
  readonly ca: string;
  /** SETTINGS the client sends first (e.g. INITIAL_WINDOW_SIZE 0 for stalled downloads). */
  readonly settings?: Readonly<Record<number, number>>;
  /** Grant the server flow-control credit for every DATA frame received (default true), or for the streams this says. */
  readonly autoWindowUpdate?: boolean | ((streamId: number) => boolean);
}

/** HPACK integer with an N-bit prefix (RFC 7541 §5.1). */
function hpackInteger(value: number, prefixBits: number, firstByteFlags: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [firstByteFlags | value];
  const bytes = [firstByteFlags | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

function hpackString(text: string): Buffer {
  const raw = Buffer.from(text, 'latin1');
  return Buffer.concat([Buffer.from(hpackInteger(raw.length, 7, 0)), raw]);
}

/** A header block of literal fields without indexing, new names (no table state on either side). */
export function encodeHeaderBlock(fields: readonly (readonly [string, string])[]): Buffer {
  return Buffer.concat(fields.flatMap(([name, value]) => [Buffer.from([0]), hpackString(name), hpackString(value)]));
}

export function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
}

export class H2FrameClient {
  readonly streams = new Map<number, StreamRecord>();
  readonly serverSettings = new Map<number, number>();
  goaway: { lastStreamId: number; errorCode: number } | null = null;
  closed = false;
  private nextStreamId = 1;
  private pending: Buffer = Buffer.alloc(0);
  private readonly autoWindowUpdate: (streamId: number) => boolean;
  readonly whenClosed: Promise<void>;

  private constructor(private readonly socket: TLSSocket, options: FrameClientOptions) {
    const grant = options.autoWindowUpdate ?? true;
    this.autoWindowUpdate = typeof grant === 'function' ? grant : () => grant;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
    this.whenClosed = new Promise((resolve) => socket.once('close', () => {
      this.closed = true;
      resolve();
    }));
  }

  static async connect(options: FrameClientOptions): Promise<H2FrameClient> {
    const socket = connect({ host: '127.0.0.1', port: options.port, servername: options.servername, ca: options.ca, ALPNProtocols: ['h2'] });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy();
      throw new Error(`the server chose ${String(socket.alpnProtocol)} instead of h2`);
    }
    const client = new H2FrameClient(socket, options);
    const settings = Object.entries(options.settings ?? {}).map(([id, value]) => {
      const entry = Buffer.alloc(6);
      entry.writeUInt16BE(Number(id));
      entry.writeUInt32BE(value, 2);
      return entry;
    });
    client.write(Buffer.concat([PREFACE, frame(FrameType.SETTINGS, 0, 0, Buffer.concat(settings))]));
    return client;
  }

  /** Sends a request head on a new stream; returns the stream id. */
  request(path: string, options: RequestOptions = {}): number {
    const [id, bytes] = this.requestFrame(path, options);
    this.write(bytes);
    return id;
  }

  /** Opens `count` streams with one write (one burst on the wire); returns their ids. */
  requestMany(count: number, path: string, options: RequestOptions = {}): number[] {
    const ids: number[] = [];
    const frames: Buffer[] = [];
    for (let n = 0; n < count; n += 1) {
      const [id, bytes] = this.requestFrame(path, options);
      ids.push(id);
      frames.push(bytes);
    }
    this.write(Buffer.concat(frames));
    return ids;
  }

  private requestFrame(path: string, options: RequestOptions): [number, Buffer] {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    this.streams.set(id, { id, heads: 0, dataBytes: 0, ended: false, resetByServer: null });
    const block = encodeHeaderBlock([
      [':method', options.method ?? 'GET'], [':scheme', 'https'], [':authority', options.authority ?? 'localhost'], [':path', path],
      ...(options.headers ?? []),
    ]);
    return [id, frame(FrameType.HEADERS, FLAG_END_HEADERS | (options.endStream ?? true ? FLAG_END_STREAM : 0), id, block)];
  }

  /** Streams the server reset. */
  get refusedCount(): number {
    let count = 0;
    for (const stream of this.streams.values()) if (stream.resetByServer !== null) count += 1;
    return count;
  }

  data(streamId: number, bytes: Buffer, endStream = false): void {
    this.write(frame(FrameType.DATA, endStream ? FLAG_END_STREAM : 0, streamId, bytes));
  }

  reset(streamId: number, code: number = H2Error.CANCEL): void {
    this.write(frame(FrameType.RST_STREAM, 0, streamId, u32(code)));
  }

  windowUpdate(streamId: number, increment: number): void {
    this.write(frame(FrameType.WINDOW_UPDATE, 0, streamId, u32(increment)));
  }

  /** Sends raw bytes (several frames written at once land in one TLS record). */
  write(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Polls `condition` until it holds; rejects after `boundMs` naming `what`. */
  async waitFor(condition: () => boolean, what: string, boundMs = 10_000): Promise<void> {
    const deadline = Date.now() + boundMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 9) {
      const length = this.pending.readUIntBE(0, 3);
      if (this.pending.length < 9 + length) return;
      const type = this.pending[3] ?? 0;
      const flags = this.pending[4] ?? 0;
      const streamId = this.pending.readUInt32BE(5) & 0x7fffffff;
      const payload = this.pending.subarray(9, 9 + length);
      this.pending = this.pending.subarray(9 + length);
      this.onFrame(type, flags, streamId, payload);
    }
  }

  private onFrame(type: number, flags: number, streamId: number, payload: Buffer): void {
    const stream = this.streams.get(streamId);
    switch (type) {
      case FrameType.SETTINGS:
        if ((flags & FLAG_ACK) !== 0) return;
        for (let at = 0; at + 6 <= payload.length; at += 6) this.serverSettings.set(payload.readUInt16BE(at), payload.readUInt32BE(at + 2));
        this.write(frame(FrameType.SETTINGS, FLAG_ACK, 0));
        return;
      case FrameType.PING:
        if ((flags & FLAG_ACK) === 0) this.write(frame(FrameType.PING, FLAG_ACK, 0, payload));
        return;
      case FrameType.GOAWAY:
        this.goaway = { lastStreamId: payload.readUInt32BE(0) & 0x7fffffff, errorCode: payload.readUInt32BE(4) };
        return;
      case FrameType.HEADERS:
        if (stream) {
          stream.heads += 1;
          if ((flags & FLAG_END_STREAM) !== 0) stream.ended = true;
        }
        return;
      case FrameType.DATA:
        if (stream) {
          stream.dataBytes += payload.length;
          if ((flags & FLAG_END_STREAM) !== 0) stream.ended = true;
        }
        if (payload.length > 0 && this.autoWindowUpdate(streamId)) {
          this.windowUpdate(0, payload.length);
          if (stream && !stream.ended) this.windowUpdate(streamId, payload.length);
        }
        return;
      case FrameType.RST_STREAM:
        if (stream) stream.resetByServer = payload.readUInt32BE(0);
        return;
      default:
        return;
    }
  }
}
