// Which HTTP/1 requests Node hands to elbow's upgrade tunnel (upgrade-tunnel.ts). Node's parser
// flags every request with `Connection: upgrade` and an Upgrade header as an upgrade and gives it
// away with the raw socket, its body unparsed. elbow tunnels only upgrades it can refuse cleanly:
// no request body, and not h2c — HTTP/2 in cleartext behind elbow's back would skip the
// screening and policies of every later request (HAProxy and Envoy strip h2c as well).
// The others stay ordinary requests: Node frames their body, and elbow forwards them without the
// Upgrade headers (they are hop-by-hop) and closes the connection after the answer, since Node
// drops bytes pipelined behind a request its parser took for an upgrade.
//
// The decision is made where Node asks: it reads `req.upgrade` once the headers are parsed.

import { IncomingMessage } from 'node:http';

const PARSED_AS_UPGRADE = Symbol('elbow.parsedAsUpgrade');

function tunnelable(req: IncomingMessage): boolean {
  // CONNECT is never tunnelled: handleRequest answers it 405 (Node would drop the connection silently).
  if (req.method === 'CONNECT') return false;
  const headers = req.headers;
  if (headers['transfer-encoding'] !== undefined) return false;
  const length = headers['content-length'];
  if (length !== undefined && length !== '0') return false;
  const upgrade = headers.upgrade;
  return upgrade !== undefined && !/(?:^|,)\s*h2c\s*(?:,|$)/i.test(upgrade);
}

/** Node's IncomingMessage whose `upgrade` flag holds only for requests elbow may tunnel. */
export class ScreenedIncomingMessage extends IncomingMessage {
  [PARSED_AS_UPGRADE]: boolean | null = null;

  /** Node sets the parser's verdict here, then reads it back to decide. */
  get upgrade(): boolean {
    const parsed = this[PARSED_AS_UPGRADE];
    return parsed === true && tunnelable(this);
  }

  set upgrade(value: boolean) {
    this[PARSED_AS_UPGRADE] = value;
  }
}

/** The parser took the request for an upgrade, and elbow serves it as an ordinary request. */
export function upgradeWasStripped(req: IncomingMessage): boolean {
  const screened = req as ScreenedIncomingMessage;
  return screened[PARSED_AS_UPGRADE] === true && !screened.upgrade;
}
