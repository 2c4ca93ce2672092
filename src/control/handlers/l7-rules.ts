// Forwarding rules (l7rule) of a policy.

import { L7_RULE_DEFAULTS } from '../../model/defaults.js';
import { checkL7Rule } from '../../model/rules/l7-rule.js';
import type { L7Rule } from '../../model/types.js';
import { meaningful, mustGet, newBase, type KindHandler } from './handler.js';

export const l7ruleHandler: KindHandler<'l7rule'> = {
  async create(tx, body, ctx) {
    const policy = await mustGet(tx, 'l7policy', ctx.parent.l7policy_id ?? '');
    const rule: L7Rule = {
      ...newBase(ctx, policy.project_id),
      ...L7_RULE_DEFAULTS,
      ...meaningful('l7rule', body),
      type: body.type,
      compare_type: body.compare_type,
      value: body.value,
      l7policy_id: policy.id,
    };
    checkL7Rule(rule);
    await tx.insert('l7rule', rule);
    return rule;
  },

  async update(tx, current, body, ctx) {
    const rule: L7Rule = { ...current, ...meaningful('l7rule', body), updated_at: ctx.now };
    checkL7Rule(rule);
    await tx.update('l7rule', rule);
    return rule;
  },

  async remove(tx, current) {
    await tx.remove('l7rule', current.id);
  },
};
