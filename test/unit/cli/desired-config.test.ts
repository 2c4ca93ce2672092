import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDesiredFile, parseDesired } from '../../../src/cli/apply/desired-config.js';

const parse = (yaml: string) => parseDesired(yaml, '/nonexistent', 'test.yaml');

describe('elbow.yaml reader', () => {
  it('keys resources by name, protocol:port and address:port and keeps only the fields written', () => {
    const state = parse(`
loadbalancers:
  - name: demo
    description: front door
    listeners:
      - {protocol: http, protocol_port: 80, default_pool: web, connection_limit: 100}
    pools:
      - name: web
        protocol: TCP
        members:
          - {address: "2001:db8::1", protocol_port: 8080, weight: 3}
`);
    const lb = state.loadbalancers[0];
    assert.ok(lb !== undefined);
    assert.deepEqual(lb.fields, { name: 'demo', description: 'front door' });
    assert.equal(lb.listeners[0]?.key, 'demo/HTTP:80');
    assert.deepEqual(lb.listeners[0]?.fields, { protocol: 'HTTP', protocol_port: 80, connection_limit: 100 });
    assert.deepEqual(lb.listeners[0]?.refs, { default_pool_id: 'pool:demo/web' });
    assert.equal(lb.pools[0]?.members[0]?.key, 'demo/web/[2001:db8::1]:8080');
  });

  it('maps reference keys to API fields', () => {
    const state = parse(`
loadbalancers:
  - name: demo
    listeners:
      - protocol: HTTPS
        protocol_port: 443
        default_certificate: site
        sni_certificates: [a, b]
        l7policies:
          - {name: p, action: REDIRECT_TO_LISTENER, redirect_listener: http:80}
`);
    const listener = state.loadbalancers[0]?.listeners[0];
    assert.deepEqual(listener?.refs, { default_tls_container_ref: 'certificate:site', sni_container_refs: ['certificate:a', 'certificate:b'] });
    assert.deepEqual(listener?.l7policies[0]?.refs, { redirect_listener_id: 'listener:demo/HTTP:80' });
    assert.deepEqual(listener?.l7policies[0]?.parent, { ref: 'listener:demo/HTTPS:443', field: 'listener_id' });
  });

  it('turns l7 policy positions into ranks 1..n, in position order', () => {
    const state = parse(`
loadbalancers:
  - name: demo
    listeners:
      - protocol: HTTP
        protocol_port: 80
        l7policies:
          - {name: late, action: REJECT, position: 9}
          - {name: unplaced, action: REJECT}
          - {name: early, action: REJECT, position: 2}
`);
    const policies = state.loadbalancers[0]?.listeners[0]?.l7policies ?? [];
    assert.deepEqual(policies.map((p) => [p.fields.name, p.fields.position]), [['early', 1], ['late', 2], ['unplaced', 3]]);
  });

  it('reads certificate files relative to the YAML file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'elbow-yaml-'));
    try {
      writeFileSync(join(dir, 'site.crt'), 'CERT');
      writeFileSync(join(dir, 'site.key'), 'KEY');
      writeFileSync(join(dir, 'elbow.yaml'), 'certificates:\n  - {name: site, certificate_file: site.crt, private_key_file: site.key}\n');
      const state = loadDesiredFile(join(dir, 'elbow.yaml'));
      assert.deepEqual(state.certificates[0]?.fields, { name: 'site', certificate: 'CERT', private_key: 'KEY' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says where a mistake is', () => {
    assert.throws(() => parse('loadbalancers:\n  - name: demo\n    listeners:\n      - {protocol: HTTP}\n'), /test\.yaml: loadbalancers\[0\]\.listeners\[0\]: protocol_port must be an integer/);
    assert.throws(() => parse('loadbalancers:\n  - name: demo\n    pools:\n      - {name: p, protocol: TCP, members: [{address: 10.0.0.1}]}\n'), /members\[0\]: protocol_port \(required unless the pool protocol is HTTP\)/);
    assert.throws(() => parse('loadbalancer:\n  - name: x\n'), /unknown key loadbalancer/);
    assert.throws(() => parse('loadbalancers:\n  - name: a\n  - name: a\n'), /loadbalancer a appears twice/);
    assert.throws(() => parse('loadbalancers:\n  - name: a\n    listeners:\n      - {protocol: TCP, protocol_port: 1, loadbalancer_id: x}\n'), /loadbalancer_id is given by where the entry sits/);
    assert.throws(() => parse('loadbalancers: [oops'), /test\.yaml: /);
    assert.throws(() => parse('certificates:\n  - {name: c, certificate_file: /nonexistent/c.pem}\n'), /cannot read \/nonexistent\/c\.pem: ENOENT/);
  });

  it('accepts an empty file', () => {
    assert.deepEqual(parse(''), { certificates: [], ipgroups: [], loadbalancers: [] });
  });
});
