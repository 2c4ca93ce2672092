// Forwarding rules (L7 rules) as HAProxy ACLs, with the semantics of the Node engine's
// routing/compile-rule.ts: a value that is absent never matches, `invert` negates the result (so
// an absent header matches an inverted rule), host names and file types compare without case,
// HOST_NAME EQUAL_TO `*.example.com` matches any name below example.com.
//
// Each rule becomes one named ACL (`acl r_<rule id> <fetch> <flags> -- <pattern>`) and a term of
// its policy's condition (`r_<id>` or `!r_<id>`). SSL_VERIFY_RESULT needs two facts (a certificate
// was sent, and the verify result); it is computed into a variable first.

import { parseCidr } from '../../model/cidr.js';
import { isHaproxyFetchArgument } from '../../model/rules/engine-limits.js';
import type { L7CompareType } from '../../model/types.js';
import type { SnapshotRule } from '../../snapshot/snapshot.js';
import { quoted, safeName, variableName } from './config-syntax.js';

export interface RenderedRule {
  /** `acl …` lines (frontend scope). */
  readonly acls: readonly string[];
  /** `http-request set-var(…)` lines that must run before any policy is evaluated. */
  readonly prelude: readonly string[];
  /** The term in a policy's condition. */
  readonly term: string;
}

const MATCH: Record<L7CompareType, string> = {
  EQUAL_TO: '-m str',
  STARTS_WITH: '-m beg',
  ENDS_WITH: '-m end',
  CONTAINS: '-m sub',
  REGEX: '-m reg',
};

/** Host header without its port, lower case (routing/request-facts.ts hostWithoutPort). */
const HOST = 'req.hdr(host),lower,regsub(:[0-9]+$,)';
/** The extension of the last path segment, without the dot ('' when none): compile-rule.ts fileTypeOf. */
const FILE_TYPE = 'path,regsub(^.*/,),regsub(^[^.]*$,),regsub(^.*[.],),lower';

/** A name given as a sample-fetch argument (header, cookie, query key, DN field): never a comma or parenthesis. */
export function fetchArgument(name: string): string {
  return name.replace(/[\\\s#'"$,()]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Whether a name can be passed as a sample-fetch argument at all (the API refuses others: model/rules/engine-limits.ts). */
export const isFetchArgument = isHaproxyFetchArgument;

function pattern(flags: string, value: string): string {
  return `${flags} -- ${quoted(value)}`;
}

function compare(rule: SnapshotRule, ignoreCase: boolean): string {
  if (rule.compareType === 'REGEX') return pattern(ignoreCase ? '-i -m reg' : '-m reg', rule.value);
  return pattern(MATCH[rule.compareType], ignoreCase ? rule.value.toLowerCase() : rule.value);
}

/** The fetch and pattern of one rule (without invert). */
function aclBody(rule: SnapshotRule): string {
  const key = fetchArgument(rule.key ?? '');
  switch (rule.type) {
    case 'HOST_NAME':
      if (rule.compareType === 'EQUAL_TO' && rule.value.startsWith('*.')) return `${HOST} ${pattern('-m end', rule.value.slice(1).toLowerCase())}`;
      return `${HOST} ${compare(rule, true)}`;
    case 'PATH':
      return `path ${compare(rule, false)}`;
    case 'HEADER':
      return `req.fhdr(${key},1) ${compare(rule, false)}`;
    case 'COOKIE':
      return `req.cook(${key}) ${compare(rule, false)}`;
    case 'FILE_TYPE': {
      const value = rule.compareType === 'REGEX' ? rule.value : rule.value.replace(/^\./, '');
      return `${FILE_TYPE} ${compare({ ...rule, value }, true)}`;
    }
    case 'METHOD':
      return `method,lower ${compare(rule, true)}`;
    case 'QUERY_STRING':
      return rule.key === null || rule.key === '' ? `query ${compare(rule, false)}` : `url_param(${key}),url_dec(1) ${compare(rule, false)}`;
    case 'SOURCE_IP': {
      const blocks = rule.value.split(',').map((entry) => entry.trim()).filter((entry) => parseCidr(entry) !== null);
      // No valid block: the rule never matches (Node's compiled predicate has no block either).
      return blocks.length === 0 ? 'always_false' : `src ${blocks.join(' ')}`;
    }
    case 'SSL_CONN_HAS_CERT':
      return 'ssl_c_used';
    case 'SSL_VERIFY_RESULT':
      return `var(txn.elbow_verify${variableName(rule.id)}) ${compare(rule, false)}`;
    case 'SSL_DN_FIELD':
      return `ssl_c_s_dn(${key},1) ${compare(rule, false)}`;
  }
}

export function aclName(rule: SnapshotRule): string {
  return `r_${safeName(rule.id)}`;
}

export function renderRule(rule: SnapshotRule): RenderedRule {
  const name = aclName(rule);
  // Node's facts: '0' when the chain verified, '1' otherwise, absent without a certificate.
  const prelude = rule.type === 'SSL_VERIFY_RESULT' ? [`http-request set-var(txn.elbow_verify${variableName(rule.id)}) ssl_c_verify,bool if { ssl_c_used }`] : [];
  return { acls: [`acl ${name} ${aclBody(rule)}`], prelude, term: rule.invert ? `!${name}` : name };
}
