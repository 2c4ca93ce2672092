// The Debian tools the benchmark drives; a missing one stops the run with the install line.
// (HTTPS/1.1 is measured with wrk, HTTP/2 with h2load.)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

interface Tool {
  readonly name: string;
  readonly debianPackage: string;
  readonly present: () => boolean;
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** nginx's stream module is either compiled in or a dynamic module from libnginx-mod-stream. */
export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

function nginxHasStream(): boolean {
  if (existsSync(NGINX_STREAM_MODULE)) return true;
  const result = spawnSync('nginx', ['-V'], { encoding: 'utf8' });
  return /--with-stream(\s|$)/.test(`${result.stdout}${result.stderr}`);
}

const TOOLS: readonly Tool[] = [
  { name: 'wrk', debianPackage: 'wrk', present: () => onPath('wrk') },
  { name: 'iperf3', debianPackage: 'iperf3', present: () => onPath('iperf3') },
  { name: 'haproxy', debianPackage: 'haproxy', present: () => onPath('haproxy') },
  { name: 'nginx', debianPackage: 'nginx', present: () => onPath('nginx') },
  { name: 'nginx stream module', debianPackage: 'libnginx-mod-stream', present: () => onPath('nginx') && nginxHasStream() },
  { name: 'openssl', debianPackage: 'openssl', present: () => onPath('openssl') },
  { name: 'h2load', debianPackage: 'nghttp2-client', present: () => onPath('h2load') },
];

/** Names of the missing tools and the one command that installs them (empty when all are there). */
export function missingTools(): { names: string[]; installCommand: string } {
  const missing = TOOLS.filter((tool) => !tool.present());
  const packages = [...new Set(missing.map((tool) => tool.debianPackage))];
  return {
    names: missing.map((tool) => tool.name),
    installCommand: packages.length > 0 ? `sudo apt-get install -y ${packages.join(' ')}` : '',
  };
}

/** Why `elbow serve --engine haproxy` cannot run here (no haproxy on PATH), or null. */
export function haproxyProblem(): string | null {
  return onPath('haproxy') ? null : 'haproxy is not installed (sudo apt-get install -y haproxy): the haproxy engine is skipped';
}
