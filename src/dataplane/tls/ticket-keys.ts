// TLS session ticket keys shared by every worker of one elbow, so a ticket issued by one worker
// resumes on whichever worker accepts the next connection, and rotated hourly without messages:
// the keys of an epoch come from a 32-byte secret that a one-way step (HMAC) turns into the next
// epoch's secret. The primary holds the ratchet and hands each worker it forks the secret of the
// previous epoch; every process steps forward on its own clock and forgets secrets older than the
// previous epoch, so a leaked current secret cannot decrypt tickets older than one hour before it.
// Nothing here is ever logged or exposed through the API.

import { createHmac, randomBytes } from 'node:crypto';

/** How long one key encrypts new tickets; it still decrypts for one more period. */
export const TICKET_KEY_PERIOD_MS = 60 * 60 * 1000;

/** The three 16-byte parts OpenSSL's ticket callback works with. */
export interface TicketKey {
  readonly name: Buffer;
  readonly hmac: Buffer;
  readonly aes: Buffer;
}

interface Epoch {
  readonly index: number;
  readonly secret: Buffer;
  readonly key: TicketKey;
}

function derive(secret: Buffer, label: string): Buffer {
  return createHmac('sha256', secret).update(label).digest().subarray(0, 16);
}

function epochOf(index: number, secret: Buffer): Epoch {
  return { index, secret, key: { name: derive(secret, 'elbow ticket name'), hmac: derive(secret, 'elbow ticket hmac'), aes: derive(secret, 'elbow ticket aes') } };
}

function next(epoch: Epoch): Epoch {
  return epochOf(epoch.index + 1, createHmac('sha256', epoch.secret).update('elbow ticket ratchet').digest());
}

export class TicketKeyRing {
  private previous: Epoch | undefined;
  private current: Epoch;

  /** Starts at `start` (an epoch index and its secret); steps forward to the clock's epoch at once. */
  constructor(
    start: { readonly index: number; readonly secret: Buffer },
    private readonly now: () => number = Date.now,
    private readonly periodMs: number = TICKET_KEY_PERIOD_MS,
  ) {
    this.current = epochOf(start.index, Buffer.from(start.secret));
    this.advance();
  }

  /** A ring with a fresh random secret, starting at the clock's epoch. */
  static random(now: () => number = Date.now, periodMs: number = TICKET_KEY_PERIOD_MS): TicketKeyRing {
    return new TicketKeyRing({ index: Math.floor(now() / periodMs), secret: randomBytes(32) }, now, periodMs);
  }

  /** The key new tickets are encrypted with. */
  encryptionKey(): TicketKey {
    this.advance();
    return this.current.key;
  }

  /** The key a ticket named `name` was encrypted with, when it is still accepted. */
  decryptionKey(name: Buffer): TicketKey | undefined {
    this.advance();
    if (this.current.key.name.equals(name)) return this.current.key;
    if (this.previous?.key.name.equals(name)) return this.previous.key;
    return undefined;
  }

  /**
   * What a worker forked now starts from: the previous epoch (so it also accepts the tickets other
   * workers issued before the last rotation), as text for its environment.
   */
  exportForWorker(): string {
    this.advance();
    const start = this.previous ?? this.current;
    return `${start.index}:${start.secret.toString('base64')}`;
  }

  /** Reads exportForWorker()'s text; undefined when it is not one. */
  static fromExport(text: string, now: () => number = Date.now, periodMs: number = TICKET_KEY_PERIOD_MS): TicketKeyRing | undefined {
    const match = /^(\d+):([A-Za-z0-9+/]{43}=)$/.exec(text);
    if (!match) return undefined;
    return new TicketKeyRing({ index: Number(match[1]), secret: Buffer.from(match[2] ?? '', 'base64') }, now, periodMs);
  }

  private advance(): void {
    const target = Math.floor(this.now() / this.periodMs);
    if (target <= this.current.index) return;
    // The chain is walked in order (one HMAC per hour behind): every process must reach the same secret.
    while (this.current.index < target) {
      this.previous = this.current;
      this.current = next(this.current);
    }
  }
}

let processRing: TicketKeyRing | undefined;

/** This process's ring: the one adopted from the primary, else a random one made on first use. */
export function processTicketKeys(): TicketKeyRing {
  processRing ??= TicketKeyRing.random();
  return processRing;
}

/** A worker adopts the ring its primary handed it (see exportForWorker). False when the text is not one. */
export function adoptTicketKeys(exported: string): boolean {
  const ring = TicketKeyRing.fromExport(exported);
  if (ring === undefined) return false;
  processRing = ring;
  return true;
}
