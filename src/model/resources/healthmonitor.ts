// Health monitors: how a pool checks its members (Octavia v2).

import { Type } from '@sinclair/typebox';
import { HEALTH_MONITOR_TYPES } from '../types.js';
import { Enum, Id, LABEL, Nullable, TimeoutSeconds, adminStateUpField, defineResource, nameField, relation, tagsField } from './field.js';

const HTTP_METHODS = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'] as const;

export const HEALTHMONITOR = defineResource({
  kind: 'healthmonitor',
  title: 'health monitor',
  collectionPath: 'healthmonitors',
  singular: 'healthmonitor',
  plural: 'healthmonitors',
  hasStatus: true,
  snapshotPart: 'pools{}.healthMonitor',
  cli: { description: 'health monitors: how a pool checks its members', alias: 'hm', columns: ['name', 'type', 'pool_id', 'delay', 'timeout', 'max_retries'] },
  fields: {
    type: { schema: Enum(HEALTH_MONITOR_TYPES), create: 'required', update: 'fixed', doc: 'How members are probed', snapshot: 'type' },
    pool_id: {
      schema: Id,
      create: 'required',
      update: 'fixed',
      ref: 'pool',
      fromParent: true,
      doc: 'The pool whose members it checks (one monitor per pool)',
      snapshot: { path: '', via: 'the monitor of that pool' },
    },
    name: { ...nameField, ignored: LABEL },
    admin_state_up: { ...adminStateUpField, snapshot: { path: '', via: 'a monitor that is down is left out: members are then NO_MONITOR' } },
    delay: { schema: TimeoutSeconds, create: 'required', doc: 'Seconds between probes of a member', example: 5, snapshot: { path: 'intervalMs', via: 'seconds → ms, at least 1 s' } },
    timeout: { schema: TimeoutSeconds, create: 'required', doc: 'Seconds a probe may take', example: 3, snapshot: { path: 'timeoutMs', via: 'seconds → ms, at least 1 s' } },
    max_retries: { schema: Type.Integer({ minimum: 1, maximum: 10 }), create: 'required', doc: 'Consecutive successes that bring a member up, 1-10', example: 2, snapshot: 'riseCount' },
    max_retries_down: { schema: Type.Integer({ minimum: 1, maximum: 10 }), default: 3, doc: 'Consecutive failures that take a member down, 1-10', snapshot: 'fallCount' },
    http_method: {
      schema: Nullable(Type.String()),
      input: Nullable(Enum(HTTP_METHODS)),
      defaultDoc: 'GET for HTTP(S) monitors, else null',
      doc: 'HTTP method of probes',
      example: 'HEAD',
      snapshot: { path: 'httpMethod', via: 'null → GET' },
    },
    url_path: {
      schema: Nullable(Type.String({ minLength: 1, maxLength: 2048, pattern: '^/' })),
      defaultDoc: '/ for HTTP(S) monitors, else null',
      doc: 'HTTP path of probes',
      example: '/healthz',
      snapshot: { path: 'urlPath', via: 'null → /' },
    },
    expected_codes: {
      // Octavia's pattern: spaces around the commas are allowed.
      schema: Nullable(Type.String({ pattern: '^(\\d{3}(\\s*,\\s*\\d{3})*)$|^(\\d{3}-\\d{3})$' })),
      defaultDoc: '200 for HTTP(S) monitors, else null',
      doc: 'Status codes of a healthy answer: 200, "200, 204" or 200-299',
      example: '200-299',
      snapshot: { path: 'expectedCodes', via: 'parsed into ranges' },
    },
    http_version: {
      schema: Nullable(Type.Union([Type.Literal(1.0), Type.Literal(1.1)])),
      default: null,
      doc: 'HTTP version of probes, 1.0 or 1.1 (null: 1.0, as Octavia)',
      example: 1.1,
      snapshot: { path: 'httpVersion', via: 'null → 1.0' },
    },
    domain_name: {
      schema: Nullable(Type.String({ minLength: 1, maxLength: 255 })),
      default: null,
      doc: 'Host header of HTTP/1.1 probes',
      example: 'www.example.com',
      snapshot: 'domainName',
    },
    tags: tagsField,
    pools: relation('Its pool, as a list (Octavia)'),
  },
});
