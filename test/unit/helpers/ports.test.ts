// The tests' one port allocator: distinct ports even when asked at once, outside the kernel's
// ephemeral range, free when handed out, and a dead process's reservations taken over.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { heldPorts, release, reserve, reservePort, reservePorts, reservedOnMachine } from '../../helpers/ports.js';

test('ports asked for at once are distinct, reserved, below the ephemeral range and free to bind', async () => {
  const ports = await Promise.all(Array.from({ length: 40 }, () => reservePort()));
  assert.equal(new Set(ports).size, ports.length);
  const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  for (const port of ports) {
    assert.ok(port < (low ?? 32768), `${port} is below the ephemeral range`);
    assert.ok(heldPorts().includes(port) && reservedOnMachine().includes(port));
  }
  const first = await reservePorts(3);
  assert.deepEqual(heldPorts().filter((p) => p >= first && p < first + 3), [first, first + 1, first + 2]);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(first, '127.0.0.1', resolve));
  await new Promise((resolve) => server.close(resolve));
});

test("a dead process's reservation is taken over; a live one's is not", async () => {
  const port = await reservePort();
  release(port);
  const file = join(tmpdir(), 'elbow-test-ports', String(port));
  // A pid above pid_max's ceiling is never a live process.
  writeFileSync(file, String(2 ** 22 + 7), { flag: 'wx' });
  assert.equal(reserve(port), true);
  assert.equal(readFileSync(file, 'utf8'), String(process.pid));
  release(port);
  // The parent (the test runner) is alive: its reservation stands.
  writeFileSync(file, String(process.ppid), { flag: 'wx' });
  assert.equal(reserve(port), false);
  rmSync(file);
});
