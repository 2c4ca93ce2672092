// Who this node is: its name (--node-name, default the host name). Its id (serve/node-id.ts, kept
// in the data directory) tells a restart of this node, which takes its name back at once, from a
// second process given the same name by mistake.
import { hostname } from 'node:os';

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function defaultNodeName(): string {
  const host = hostname().split('.')[0] ?? '';
  return NODE_NAME.test(host) ? host : 'elbow';
}

/** Throws with the rule when the name is not 1–63 letters, digits, '.', '_' or '-' (starting with a letter or digit). */
export function checkNodeName(name: string, what = 'node name'): string {
  if (!NODE_NAME.test(name)) throw new Error(`invalid ${what} "${name}": use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  return name;
}
