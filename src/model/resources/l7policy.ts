// Forwarding policies (Octavia's l7policy) of HTTP-speaking listeners. REDIRECT_TO_LISTENER and
// FIXED_RESPONSE with fixed_response_config are Huawei ELB's.

import { Type } from '@sinclair/typebox';
import { L7_ACTIONS } from '../types.js';
import { Enum, Id, Nullable, adminStateUpField, defineResource, descriptionField, nameField, nestedOne, nestingRelation, tagsField, LABEL } from './field.js';

const FixedResponse = Type.Object({ status_code: Type.String({ pattern: '^\\d{3}$' }), content_type: Type.String({ maxLength: 64 }), message_body: Type.String({ maxLength: 1024 }) });
const FixedResponseBody = Type.Object(
  {
    status_code: FixedResponse.properties.status_code,
    content_type: Type.Optional(FixedResponse.properties.content_type),
    message_body: Type.Optional(FixedResponse.properties.message_body),
  },
  { additionalProperties: false },
);

export const L7POLICY = defineResource({
  kind: 'l7policy',
  title: 'l7 policy (forwarding policy)',
  collectionPath: 'l7policies',
  singular: 'l7policy',
  plural: 'l7policies',
  hasStatus: true,
  snapshotPart: 'listeners[].policies[]',
  cli: { description: 'l7 policies: forwarding policies of HTTP and HTTPS listeners', columns: ['name', 'action', 'position', 'listener_id'] },
  fields: {
    listener_id: {
      schema: Id,
      create: 'required',
      update: 'fixed',
      ref: 'listener',
      fromParent: true,
      doc: 'The listener it belongs to',
      snapshot: { path: '', via: "one of that listener's policies" },
    },
    name: { ...nameField, ignored: LABEL },
    description: descriptionField,
    admin_state_up: { ...adminStateUpField, snapshot: { path: '', via: 'a disabled policy is left out' } },
    action: { schema: Enum(L7_ACTIONS), create: 'required', doc: 'What a matching request gets', snapshot: 'action' },
    position: {
      schema: Type.Integer({ minimum: 1, maximum: 2147483647 }),
      defaultDoc: 'last',
      doc: "Evaluation order among the listener's policies, from 1 (kept 1..n: inserting shifts the others)",
      example: 1,
      snapshot: 'position',
    },
    redirect_pool_id: {
      schema: Nullable(Id),
      default: null,
      ref: 'pool',
      doc: 'Target pool of REDIRECT_TO_POOL',
      snapshot: { path: 'redirectPoolId', via: 'kept while the pool exists' },
    },
    redirect_pool: nestedOne(
      'At create: a pool to create as the target of REDIRECT_TO_POOL (in a load balancer\'s single-call create, {"name": …} names one of its pools)',
      'pool',
    ),
    redirect_url: { schema: Nullable(Type.String({ maxLength: 2048 })), default: null, doc: 'Target URL of REDIRECT_TO_URL', example: 'https://www.example.com/', snapshot: 'redirectUrl' },
    redirect_prefix: { schema: Nullable(Type.String({ maxLength: 2048 })), default: null, doc: 'Target URL prefix of REDIRECT_PREFIX (the path and query follow)', example: 'https://www.example.com', snapshot: 'redirectPrefix' },
    redirect_http_code: {
      schema: Nullable(Type.Integer()),
      defaultDoc: '302 for redirects, else null',
      doc: 'Status code of redirects: 301, 302, 303, 307 or 308',
      example: 301,
      snapshot: 'redirectHttpCode',
    },
    redirect_listener_id: {
      schema: Nullable(Id),
      default: null,
      ref: 'listener',
      doc: 'Huawei ELB extension: target listener of REDIRECT_TO_LISTENER',
      snapshot: { path: 'redirectListener', via: "resolved to the target's protocol and port" },
    },
    fixed_response_config: {
      schema: Nullable(FixedResponse),
      input: Nullable(FixedResponseBody),
      default: null,
      doc: 'Huawei ELB extension: the answer of FIXED_RESPONSE, {"status_code": "503", "content_type": "text/plain", "message_body": "…"}',
      example: { status_code: '503', content_type: 'text/plain', message_body: 'down for maintenance' },
      snapshot: 'fixedResponse',
    },
    tags: tagsField,
    rules: nestingRelation('Its rules. At create: rules to create with it', 'l7rule'),
  },
});
