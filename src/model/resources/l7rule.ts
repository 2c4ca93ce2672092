// Forwarding rules (Octavia's l7rule): the conditions of a policy, all of which must match.

import { Type } from '@sinclair/typebox';
import { L7_COMPARE_TYPES, L7_RULE_TYPES } from '../types.js';
import { Enum, Nullable, adminStateUpField, defineResource, output, tagsField } from './field.js';

export const L7RULE = defineResource({
  kind: 'l7rule',
  title: 'l7 rule (forwarding rule)',
  collectionPath: 'l7policies/:l7policy_id/rules',
  singular: 'rule',
  plural: 'rules',
  parent: { kind: 'l7policy', field: 'l7policy_id' },
  hasStatus: true,
  snapshotPart: 'listeners[].policies[].rules[]',
  cli: { description: 'l7 rules: the conditions of an l7 policy', columns: ['type', 'compare_type', 'key', 'value', 'invert'] },
  fields: {
    admin_state_up: { ...adminStateUpField, snapshot: { path: '', via: 'a disabled rule is left out' } },
    type: { schema: Enum(L7_RULE_TYPES), create: 'required', doc: 'What of the request is compared', snapshot: 'type' },
    compare_type: { schema: Enum(L7_COMPARE_TYPES), create: 'required', doc: 'How it is compared', snapshot: 'compareType' },
    key: { schema: Nullable(Type.String({ maxLength: 255 })), default: null, doc: 'Header or cookie name (HEADER, COOKIE rules)', example: 'X-Version', snapshot: 'key' },
    value: { schema: Type.String({ minLength: 1, maxLength: 255 }), create: 'required', doc: 'The value compared with', example: 'v2', snapshot: 'value' },
    invert: { schema: Type.Boolean(), default: false, doc: 'Negate the match', snapshot: 'invert' },
    tags: tagsField,
    l7policy_id: output(Type.String(), 'The policy it belongs to (from the URL)'),
  },
});
