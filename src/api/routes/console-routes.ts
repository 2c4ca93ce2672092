// The web console at /console: the files Vite built into dist/console (npm's `prepare`), served
// from memory with a strict Content-Security-Policy. Every path under /console that is not a file
// is the app itself (deep links: /console/listeners/<id>). The files are public; the console
// signs in with the API token and calls the API like any other client.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PUBLIC_ROUTE } from './service-routes.js';

/** Where `npm run build` puts the console: <repo>/dist/console, from src/api/routes or dist/api/routes alike. */
export const DEFAULT_CONSOLE_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../dist/console');

/**
 * Only the console's own origin, nothing inline, nothing from elsewhere: scripts, styles, images
 * and API calls all come from this server (fonts are the system's).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface ConsoleFile {
  body: Buffer;
  type: string;
}

export function registerConsoleRoutes(app: FastifyInstance, directory: string = DEFAULT_CONSOLE_DIR): void {
  const files = loadFiles(directory);
  const index = files.get('index.html');

  const answer = (reply: FastifyReply, file: ConsoleFile, cache: string) =>
    reply.headers({ ...SECURITY_HEADERS, 'content-type': file.type, 'cache-control': cache }).send(file.body);

  const handler = (path: string, reply: FastifyReply) => {
    const file = path === 'index.html' ? undefined : files.get(path);
    // Vite names assets after their content hash: cache them for good; everything else revalidates.
    if (file !== undefined) return answer(reply, file, path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (path.startsWith('assets/') || (extname(path) !== '' && path !== 'index.html')) {
      return reply.code(404).headers({ ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).send('not found\n');
    }
    if (index === undefined) {
      return reply
        .code(503)
        .headers({ ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
        .send('The web console is not built: run `npm run build` (npm ci does it through `prepare`).\n');
    }
    return answer(reply, index, 'no-cache');
  };

  app.get('/console', { config: PUBLIC_ROUTE }, (_request, reply) => handler('', reply));
  app.get<{ Params: { '*': string } }>('/console/*', { config: PUBLIC_ROUTE }, (request, reply) => handler(request.params['*'], reply));
}

/** Every file below the directory, by its path relative to it with forward slashes. */
function loadFiles(directory: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  if (!existsSync(directory)) return files;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(directory, path).split(sep).join('/'), { body: readFileSync(path), type: TYPES[extname(name)] ?? 'application/octet-stream' });
    }
  };
  walk(directory);
  return files;
}
