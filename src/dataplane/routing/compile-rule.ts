// One forwarding rule → one predicate over RequestFacts, compiled once per snapshot (regexes and
// address sets built here, never per request). Semantics follow Octavia's HAProxy rendering: a
// value that is absent never matches, and `invert` negates the result (so an absent header
// matches an inverted rule).

import type { L7CompareType } from '../../model/types.js';
import type { SnapshotRule } from '../../snapshot/snapshot.js';
import { cidrContains, parseCidr, type CidrBlock } from '../../model/cidr.js';
import type { RequestFacts } from './request-facts.js';

export type RequestPredicate = (facts: RequestFacts) => boolean;
type ValueTest = (value: string) => boolean;

const NEVER: RequestPredicate = () => false;

/** Compare types as string tests; `ignoreCase` for host names and file types. */
function compileCompare(compareType: L7CompareType, expected: string, ignoreCase: boolean): ValueTest {
  const want = ignoreCase ? expected.toLowerCase() : expected;
  const norm = ignoreCase ? (v: string): string => v.toLowerCase() : (v: string): string => v;
  switch (compareType) {
    case 'EQUAL_TO':
      return (v) => norm(v) === want;
    case 'STARTS_WITH':
      return (v) => norm(v).startsWith(want);
    case 'ENDS_WITH':
      return (v) => norm(v).endsWith(want);
    case 'CONTAINS':
      return (v) => norm(v).includes(want);
    case 'REGEX': {
      const regex = new RegExp(expected, ignoreCase ? 'i' : '');
      return (v) => regex.test(v);
    }
  }
}

/** HOST_NAME EQUAL_TO `*.example.com` matches any name below example.com (not example.com itself). */
function compileHostName(rule: SnapshotRule): ValueTest {
  if (rule.compareType === 'EQUAL_TO' && rule.value.startsWith('*.')) {
    const suffix = rule.value.slice(1).toLowerCase();
    return (host) => host.length > suffix.length && host.toLowerCase().endsWith(suffix);
  }
  return compileCompare(rule.compareType, rule.value, true);
}

/** The extension of the last path segment, without the dot ('' when none). */
export function fileTypeOf(path: string): string {
  const segment = path.slice(path.lastIndexOf('/') + 1);
  const dot = segment.lastIndexOf('.');
  return dot === -1 ? '' : segment.slice(dot + 1);
}

function dnField(facts: RequestFacts, field: string): string | undefined {
  const value = facts.clientCertificate?.subject[field];
  return typeof value === 'string' ? value : value?.[0];
}

/** The value of the request a rule looks at, and how it is compared. */
function compileMatch(rule: SnapshotRule): RequestPredicate {
  const key = rule.key ?? '';
  const test = (extract: (facts: RequestFacts) => string | undefined, valueTest: ValueTest): RequestPredicate =>
    (facts) => {
      const value = extract(facts);
      return value !== undefined && valueTest(value);
    };
  const compare = (): ValueTest => compileCompare(rule.compareType, rule.value, false);
  switch (rule.type) {
    case 'HOST_NAME':
      return test((f) => (f.host === '' ? undefined : f.host), compileHostName(rule));
    case 'PATH':
      return test((f) => f.path, compare());
    case 'HEADER':
      return test((f) => f.header(key), compare());
    case 'COOKIE':
      return test((f) => f.cookie(key), compare());
    case 'FILE_TYPE': {
      const wanted = rule.compareType === 'REGEX' ? rule.value : rule.value.replace(/^\./, '');
      return test((f) => fileTypeOf(f.path), compileCompare(rule.compareType, wanted, true));
    }
    case 'METHOD':
      return test((f) => f.method, compileCompare(rule.compareType, rule.value, true));
    case 'QUERY_STRING':
      return test((f) => (key === '' ? f.query : f.queryParam(key)), compare());
    case 'SOURCE_IP': {
      const blocks = rule.value.split(',').map((entry) => parseCidr(entry.trim())).filter((b): b is CidrBlock => b !== null);
      return (facts) => blocks.some((block) => cidrContains(block, facts.clientAddress));
    }
    case 'SSL_CONN_HAS_CERT':
      return (facts) => facts.clientCertificate !== null;
    case 'SSL_VERIFY_RESULT':
      // Octavia compares the OpenSSL verify result code; 0 means verified.
      return test((f) => (f.clientCertificate === null ? undefined : f.clientCertificate.verified ? '0' : '1'), compare());
    case 'SSL_DN_FIELD':
      return test((f) => dnField(f, key), compare());
  }
}

/** Compiles a rule; a rule whose pattern does not compile never matches (and is reported). */
export function compileRule(rule: SnapshotRule, onInvalid: (rule: SnapshotRule, error: Error) => void = () => {}): RequestPredicate {
  try {
    const match = compileMatch(rule);
    return rule.invert ? (facts) => !match(facts) : match;
  } catch (error) {
    onInvalid(rule, error as Error);
    return NEVER;
  }
}
