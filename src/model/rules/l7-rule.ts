// Forwarding rule (l7rule) rules: which types take a key, which comparisons each type allows,
// and that the value means something for its type (a regex compiles, a CIDR parses…).

import { ElbowError } from '../../errors.js';
import { isCidr } from '../cidr.js';
import type { L7CompareType, L7Rule, L7RuleType } from '../types.js';

const ANY: readonly L7CompareType[] = ['EQUAL_TO', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'REGEX'];

/** Comparisons each rule type allows (Octavia's validations for l7rules). */
const RULE_COMPARE_TYPES = {
  HOST_NAME: ANY,
  PATH: ANY,
  HEADER: ANY,
  COOKIE: ANY,
  FILE_TYPE: ['EQUAL_TO', 'REGEX'],
  METHOD: ['EQUAL_TO'],
  QUERY_STRING: ANY,
  SOURCE_IP: ['EQUAL_TO'],
  SSL_CONN_HAS_CERT: ['EQUAL_TO'],
  SSL_VERIFY_RESULT: ['EQUAL_TO'],
  SSL_DN_FIELD: ANY,
} as const satisfies Record<L7RuleType, readonly L7CompareType[]>;

/** Whether the type needs a key (header name, cookie name, DN field) — the others take none. */
const RULE_NEEDS_KEY = {
  HOST_NAME: false,
  PATH: false,
  HEADER: true,
  COOKIE: true,
  FILE_TYPE: false,
  METHOD: false,
  QUERY_STRING: false,
  SOURCE_IP: false,
  SSL_CONN_HAS_CERT: false,
  SSL_VERIFY_RESULT: false,
  SSL_DN_FIELD: true,
} as const satisfies Record<L7RuleType, boolean>;

const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DN_FIELDS = ['C', 'ST', 'L', 'O', 'OU', 'CN', 'EMAILADDRESS', 'SERIALNUMBER', 'UID', 'DC'];

const invalid = (detail: string) => new ElbowError('L7_RULE_INVALID', { detail });

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function regexCompiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

type CheckedRule = Pick<L7Rule, 'type' | 'compare_type' | 'key' | 'value'>;

export function checkL7Rule(rule: CheckedRule): void {
  const compareTypes: readonly L7CompareType[] = RULE_COMPARE_TYPES[rule.type];
  if (!compareTypes.includes(rule.compare_type)) {
    throw invalid(`compare_type ${rule.compare_type} is not valid for ${rule.type} rules; allowed: ${compareTypes.join(', ')}`);
  }
  checkKey(rule);
  checkValue(rule);
}

/** key: required by HEADER, COOKIE and SSL_DN_FIELD rules, a header/cookie name or a DN field; refused elsewhere. */
function checkKey(rule: CheckedRule): void {
  if (RULE_NEEDS_KEY[rule.type] && !rule.key) throw invalid(`${rule.type} rules require key`);
  if (!RULE_NEEDS_KEY[rule.type] && rule.key) throw invalid(`key applies only to HEADER, COOKIE and SSL_DN_FIELD rules, not ${rule.type}`);
  if ((rule.type === 'HEADER' || rule.type === 'COOKIE') && rule.key && !HTTP_TOKEN.test(rule.key)) {
    throw invalid(`key ${JSON.stringify(rule.key)} is not a valid ${rule.type === 'HEADER' ? 'header' : 'cookie'} name`);
  }
  if (rule.type === 'SSL_DN_FIELD' && rule.key && !DN_FIELDS.includes(rule.key.toUpperCase())) {
    throw invalid(`key ${JSON.stringify(rule.key)} must be a DN field: ${DN_FIELDS.join(', ')}`);
  }
}

/** value: no control characters, a regular expression that compiles, and what the rule type compares. */
function checkValue(rule: CheckedRule): void {
  if (hasControlCharacter(rule.value)) throw invalid('value must not contain control characters');
  if (rule.compare_type === 'REGEX' && !regexCompiles(rule.value)) throw invalid(`value ${JSON.stringify(rule.value)} is not a valid regular expression`);
  switch (rule.type) {
    case 'SOURCE_IP':
      if (!isCidr(rule.value)) throw invalid(`value ${JSON.stringify(rule.value)} of a SOURCE_IP rule must be an IP address or CIDR`);
      break;
    case 'METHOD':
      if (!HTTP_TOKEN.test(rule.value)) throw invalid(`value ${JSON.stringify(rule.value)} of a METHOD rule must be an HTTP method token`);
      break;
    case 'SSL_CONN_HAS_CERT':
      if (rule.value.toLowerCase() !== 'true') throw invalid('value of an SSL_CONN_HAS_CERT rule must be "True"');
      break;
    case 'SSL_VERIFY_RESULT':
      if (!/^\d+$/.test(rule.value)) throw invalid('value of an SSL_VERIFY_RESULT rule must be a non-negative integer');
      break;
    default:
      break;
  }
}
