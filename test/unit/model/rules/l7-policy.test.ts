import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkL7Listener,
  checkL7PolicyAction,
  checkRedirectListener,
  clearUnusedActionFields,
  type L7PolicyActionFields,
} from '../../../../src/model/rules/l7-policy.js';
import { LISTENER_PROTOCOLS } from '../../../../src/model/types.js';

const none: Omit<L7PolicyActionFields, 'action'> = {
  redirect_pool_id: null,
  redirect_url: null,
  redirect_prefix: null,
  redirect_http_code: null,
  redirect_listener_id: null,
  fixed_response_config: null,
};
const bad = (detail: RegExp) => ({ code: 'L7_POLICY_INVALID', status: 400, message: detail });

test('each action needs its field, named in the error', () => {
  const needs = { REDIRECT_TO_POOL: 'redirect_pool_id', REDIRECT_TO_URL: 'redirect_url', REDIRECT_PREFIX: 'redirect_prefix', FIXED_RESPONSE: 'fixed_response_config', REDIRECT_TO_LISTENER: 'redirect_listener_id' } as const;
  for (const [action, field] of Object.entries(needs)) {
    assert.throws(() => checkL7PolicyAction({ action: action as keyof typeof needs, ...none }), bad(new RegExp(`action ${action} requires ${field}`)));
  }
  assert.doesNotThrow(() => checkL7PolicyAction({ action: 'REJECT', ...none }));
  assert.doesNotThrow(() => checkL7PolicyAction({ action: 'REDIRECT_TO_POOL', ...none, redirect_pool_id: 'p' }));
  assert.doesNotThrow(() => checkL7PolicyAction({ action: 'REDIRECT_TO_LISTENER', ...none, redirect_listener_id: 'l', redirect_http_code: 301 }));
});

test('redirect URLs are http(s) URLs and codes are 301, 302, 303, 307 or 308', () => {
  assert.throws(() => checkL7PolicyAction({ action: 'REDIRECT_TO_URL', ...none, redirect_url: 'not a url' }), bad(/redirect_url "not a url" is not an http\(s\) URL/));
  assert.throws(() => checkL7PolicyAction({ action: 'REDIRECT_PREFIX', ...none, redirect_prefix: 'ftp://x' }), bad(/redirect_prefix/));
  for (const code of [301, 302, 303, 307, 308]) {
    assert.doesNotThrow(() => checkL7PolicyAction({ action: 'REDIRECT_TO_URL', ...none, redirect_url: 'https://example.com/', redirect_http_code: code }));
  }
  for (const code of [200, 300, 304, 305, 306, 309, 404]) {
    assert.throws(() => checkL7PolicyAction({ action: 'REDIRECT_TO_URL', ...none, redirect_url: 'https://example.com/', redirect_http_code: code }), bad(new RegExp(`redirect_http_code ${code}`)));
  }
});

test('fixed responses take status codes 200–599', () => {
  const fixed = (status_code: string) => ({ action: 'FIXED_RESPONSE' as const, ...none, fixed_response_config: { status_code, content_type: 'text/plain', message_body: '' } });
  for (const status of ['200', '404', '599']) assert.doesNotThrow(() => checkL7PolicyAction(fixed(status)));
  for (const status of ['199', '600', '20', 'abc']) assert.throws(() => checkL7PolicyAction(fixed(status)), bad(/fixed_response_config\.status_code/));
});

test('forwarding policies only on HTTP, HTTPS and TERMINATED_HTTPS listeners', () => {
  for (const protocol of LISTENER_PROTOCOLS) {
    const run = () => checkL7Listener({ id: 'l', protocol });
    if (['HTTP', 'HTTPS', 'TERMINATED_HTTPS'].includes(protocol)) assert.doesNotThrow(run, protocol);
    else assert.throws(run, bad(new RegExp(`listener l is ${protocol}`)), protocol);
  }
});

test('REDIRECT_TO_LISTENER: from HTTP to an HTTPS/TERMINATED_HTTPS listener of the same load balancer', () => {
  const http = { id: 'h', protocol: 'HTTP' as const, loadbalancer_id: 'lb' };
  for (const protocol of LISTENER_PROTOCOLS) {
    const run = () => checkRedirectListener(http, { id: 't', protocol, loadbalancer_id: 'lb' });
    if (protocol === 'HTTPS' || protocol === 'TERMINATED_HTTPS') assert.doesNotThrow(run, protocol);
    else assert.throws(run, bad(/redirect_listener_id t/), protocol);
  }
  assert.throws(() => checkRedirectListener(http, { id: 't', protocol: 'HTTPS', loadbalancer_id: 'other' }), bad(/another load balancer/));
  assert.throws(() => checkRedirectListener({ ...http, protocol: 'HTTPS' }, { id: 't', protocol: 'HTTPS', loadbalancer_id: 'lb' }), bad(/belong on HTTP listeners/));
});

test('changing the action clears the other actions\' fields', () => {
  const cleared = clearUnusedActionFields({ action: 'REJECT', ...none, redirect_pool_id: 'p', redirect_url: 'http://x/', redirect_http_code: 301 });
  assert.deepEqual(cleared, { action: 'REJECT', ...none });
  const kept = clearUnusedActionFields({ action: 'REDIRECT_TO_URL', ...none, redirect_pool_id: 'p', redirect_url: 'http://x/', redirect_http_code: 301 });
  assert.deepEqual(kept, { action: 'REDIRECT_TO_URL', ...none, redirect_url: 'http://x/', redirect_http_code: 301 });
});
