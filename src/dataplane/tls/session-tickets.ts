// Session resumption with tickets for elbow's TLS servers: every secure context of a listener (the
// server's own and each SNI one) encrypts and decrypts tickets with this process's TicketKeyRing,
// shared by all workers. A ticket that resumes is renewed: TLS 1.3 clients use a ticket once
// (RFC 8446 C.4; OpenSSL drops it after use), so without a fresh ticket on every resumed
// connection only every other connection would resume. Node's documented `ticketKeys` option
// allows neither renewal nor a second (previous) key, so this uses the ticket key callback of
// Node's native secure context, the one Node's own tests use for renewal
// (test-https-resume-after-renew). Where it is missing, Node's per-process tickets stay on and a
// warning says that resumption no longer spans workers.

import { randomBytes } from 'node:crypto';
import type { SecureContext, Server as TlsServer } from 'node:tls';
import { processTicketKeys, type TicketKeyRing } from './ticket-keys.js';

/** OpenSSL's answers to the ticket key callback. */
const TICKET_UNKNOWN = 0;
const TICKET_ENCRYPT = 1;
const TICKET_RENEW = 2;
/** Node reads the HMAC and AES parts even for an unknown ticket; these are never used to decrypt. */
const UNUSED_KEY = Buffer.alloc(16);

interface NativeSecureContext {
  enableTicketKeyCallback?: () => void;
  onticketkeycallback?: (name: Buffer, iv: Buffer, encrypt: boolean) => unknown[];
}

function nativeContext(context: SecureContext | undefined): NativeSecureContext | undefined {
  return (context as unknown as { context?: NativeSecureContext } | undefined)?.context;
}

function ticketKeyCallback(ring: TicketKeyRing): NonNullable<NativeSecureContext['onticketkeycallback']> {
  return (name, _iv, encrypt) => {
    if (encrypt) {
      const key = ring.encryptionKey();
      return [TICKET_ENCRYPT, key.hmac, key.aes, key.name, randomBytes(16)];
    }
    const key = ring.decryptionKey(name);
    return key === undefined ? [TICKET_UNKNOWN, UNUSED_KEY, UNUSED_KEY] : [TICKET_RENEW, key.hmac, key.aes];
  };
}

let warned = false;

/**
 * Makes `context` issue and accept tickets with this process's ring (every context of every
 * listener uses the same one). OpenSSL calls the callback of the context
 * a handshake started on (the server's), and Node runs it with the keys of the context the
 * handshake switched to (SNI): every context of a server needs it.
 */
export function useTicketKeys(context: SecureContext | undefined): boolean {
  const native = nativeContext(context);
  if (native === undefined || typeof native.enableTicketKeyCallback !== 'function') {
    if (!warned) {
      warned = true;
      process.emitWarning('TLS session tickets: this Node has no ticket key callback; tickets stay per process, so a session resumes only on the worker that issued it');
    }
    return false;
  }
  native.onticketkeycallback = ticketKeyCallback(processTicketKeys());
  native.enableTicketKeyCallback();
  return true;
}

/** The server's own context (the default certificate's): set again after every setSecureContext(). */
export function useTicketKeysOnServer(server: TlsServer): boolean {
  return useTicketKeys((server as unknown as { _sharedCreds?: SecureContext })._sharedCreds);
}
