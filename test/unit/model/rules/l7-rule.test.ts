import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkL7Rule, regexCompiles } from '../../../../src/model/rules/l7-rule.js';

const bad = (detail: RegExp) => ({ code: 'L7_RULE_INVALID', status: 400, message: detail });

test('HEADER and COOKIE need a key that is a token; SSL_DN_FIELD a DN field; other types take none', () => {
  for (const type of ['HEADER', 'COOKIE'] as const) {
    assert.throws(() => checkL7Rule({ type, compare_type: 'EQUAL_TO', key: null, value: 'v' }), bad(new RegExp(`${type} rules require key`)));
    assert.doesNotThrow(() => checkL7Rule({ type, compare_type: 'EQUAL_TO', key: 'X-Env', value: 'v' }));
    assert.throws(() => checkL7Rule({ type, compare_type: 'EQUAL_TO', key: 'bad key', value: 'v' }), bad(/not a valid/));
  }
  assert.doesNotThrow(() => checkL7Rule({ type: 'SSL_DN_FIELD', compare_type: 'EQUAL_TO', key: 'CN', value: 'client' }));
  assert.throws(() => checkL7Rule({ type: 'SSL_DN_FIELD', compare_type: 'EQUAL_TO', key: 'XX', value: 'client' }), bad(/DN field/));
  assert.throws(() => checkL7Rule({ type: 'PATH', compare_type: 'STARTS_WITH', key: 'k', value: '/api' }), bad(/key applies only/));
});

test('REGEX values must compile', () => {
  assert.ok(regexCompiles('^/api/v[0-9]+'));
  assert.equal(regexCompiles('('), false);
  assert.doesNotThrow(() => checkL7Rule({ type: 'PATH', compare_type: 'REGEX', key: null, value: '^/api/.*' }));
  assert.throws(() => checkL7Rule({ type: 'PATH', compare_type: 'REGEX', key: null, value: '([' }), bad(/not a valid regular expression/));
});

test('SOURCE_IP values are IP addresses or CIDRs, compared with EQUAL_TO', () => {
  for (const value of ['10.0.0.0/8', '192.0.2.1', '2001:db8::/32']) assert.doesNotThrow(() => checkL7Rule({ type: 'SOURCE_IP', compare_type: 'EQUAL_TO', key: null, value }));
  assert.throws(() => checkL7Rule({ type: 'SOURCE_IP', compare_type: 'EQUAL_TO', key: null, value: '10.0.0.0/40' }), bad(/must be an IP address or CIDR/));
  assert.throws(() => checkL7Rule({ type: 'SOURCE_IP', compare_type: 'STARTS_WITH', key: null, value: '10.' }), bad(/compare_type STARTS_WITH is not valid for SOURCE_IP/));
});

test('METHOD values are HTTP tokens; special types take their own values', () => {
  assert.doesNotThrow(() => checkL7Rule({ type: 'METHOD', compare_type: 'EQUAL_TO', key: null, value: 'POST' }));
  assert.throws(() => checkL7Rule({ type: 'METHOD', compare_type: 'EQUAL_TO', key: null, value: 'GET /' }), bad(/HTTP method token/));
  assert.throws(() => checkL7Rule({ type: 'METHOD', compare_type: 'CONTAINS', key: null, value: 'GET' }), bad(/compare_type CONTAINS/));
  assert.doesNotThrow(() => checkL7Rule({ type: 'SSL_CONN_HAS_CERT', compare_type: 'EQUAL_TO', key: null, value: 'True' }));
  assert.throws(() => checkL7Rule({ type: 'SSL_CONN_HAS_CERT', compare_type: 'EQUAL_TO', key: null, value: 'yes' }), bad(/"True"/));
  assert.doesNotThrow(() => checkL7Rule({ type: 'SSL_VERIFY_RESULT', compare_type: 'EQUAL_TO', key: null, value: '0' }));
  assert.throws(() => checkL7Rule({ type: 'SSL_VERIFY_RESULT', compare_type: 'EQUAL_TO', key: null, value: 'ok' }), bad(/non-negative integer/));
  assert.doesNotThrow(() => checkL7Rule({ type: 'FILE_TYPE', compare_type: 'REGEX', key: null, value: 'jpe?g' }));
  assert.throws(() => checkL7Rule({ type: 'FILE_TYPE', compare_type: 'ENDS_WITH', key: null, value: 'jpg' }), bad(/ENDS_WITH/));
});

test('values never carry control characters', () => {
  assert.throws(() => checkL7Rule({ type: 'HOST_NAME', compare_type: 'EQUAL_TO', key: null, value: 'a\r\nb' }), bad(/control characters/));
});
