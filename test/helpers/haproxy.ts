// Whether HAProxy ≥ 2.6 is installed here: the HAProxy half of the behaviour suite and the
// engine's own tests are skipped, with this reason shown, when it is not.

import { execFileSync } from 'node:child_process';

let cached: string | false | undefined;

/** false when haproxy ≥ 2.6 is on PATH (or at ELBOW_HAPROXY_BIN); else the reason to skip. */
export function haproxyMissing(): string | false {
  if (cached !== undefined) return cached;
  const bin = process.env.ELBOW_HAPROXY_BIN ?? 'haproxy';
  try {
    const version = execFileSync(bin, ['-v'], { encoding: 'utf8' });
    const match = /version (\d+)\.(\d+)/.exec(version);
    const ok = match !== null && (Number(match[1]) > 2 || (Number(match[1]) === 2 && Number(match[2]) >= 6));
    cached = ok ? false : `haproxy at ${bin} is older than 2.6 (${version.split('\n')[0] ?? ''})`;
  } catch {
    cached = `haproxy is not installed (apt-get install haproxy); the HAProxy engine is not tested`;
  }
  return cached;
}
