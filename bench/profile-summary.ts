// `node --import tsx bench/profile-summary.ts FILE.cpuprofile [N]`: the N functions with the most
// self time in a V8 CPU profile (from `npm run bench -- --profile DIR`), to see what a flame graph
// would show without opening one.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface HotFunction {
  name: string;
  share: number;
}

/** Self-time share per function (name, file and line), largest first. */
export function hotFunctions(profile: { nodes: ProfileNode[] }, limit: number): HotFunction[] {
  const hits = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const count = node.hitCount ?? 0;
    if (count === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|src)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    hits.set(key, (hits.get(key) ?? 0) + count);
    total += count;
  }
  return [...hits]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, count]) => ({ name, share: total === 0 ? 0 : count / total }));
}

// Run as a program (not imported by the test).
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const [file, limit] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node --import tsx bench/profile-summary.ts FILE.cpuprofile [N]');
    process.exit(1);
  }
  for (const hot of hotFunctions(JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[] }, Number(limit ?? 20))) {
    console.log(`${(hot.share * 100).toFixed(1).padStart(5)}%  ${hot.name}`);
  }
}
