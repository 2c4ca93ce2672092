#!/usr/bin/env node
// Entry point of the `elbow` command: runs the compiled CLI (npm's `prepare` builds dist/).
import { main } from '../dist/main.js';

main(process.argv).catch((err) => {
  process.stderr.write(`elbow: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
