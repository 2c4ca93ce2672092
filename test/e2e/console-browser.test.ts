// The web console in a real browser (Debian's chromium driven by playwright-core) against a real
// `elbow serve`: sign in, build a load balancer through the forms (HTTP listener, pool of two real
// backends, health monitor), see the port rule's message at the field for a TCP listener on the
// same port and none for a UDP one, see the request chart move while curl sends traffic, and see a
// member turn red after its backend is killed. ELBOW_SCREENSHOTS=1 also writes docs/console-*.png.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openConsoleBrowser, SCREENSHOTS, skipReason, submitForm as submit, unexpectedErrors, type ConsoleBrowser, type PageGlobals } from '../helpers/console-browser.js';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';

const skip = skipReason;

function backend(name: string): Promise<Server> {
  const server = createServer((_request, response) => response.end(`hello from ${name}\n`));
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

const portOf = (server: Server) => (server.address() as AddressInfo).port;

describe('web console in chromium', { skip, timeout: 180_000 }, () => {
  let elbow: ElbowProcess;
  let browser: Browser;
  let page: Page;
  let backends: Server[] = [];
  let curl: ChildProcess | undefined;
  let opened: ConsoleBrowser;
  // A VIP of this test's own (not the shared 127.0.1.x range), so parallel runs cannot collide.
  const vip = `127.0.${20 + Math.floor(Math.random() * 200)}.${2 + Math.floor(Math.random() * 250)}`;
  const port = 8080;
  let lbId = '';
  let httpListenerId = '';

  before(async () => {
    backends = await Promise.all([backend('b1'), backend('b2')]);
    elbow = await startElbow();
    opened = await openConsoleBrowser(elbow.url);
    ({ browser, page } = opened);
  });

  after(async () => {
    curl?.kill();
    await browser?.close();
    for (const server of backends) {
      server.closeAllConnections();
      server.close();
    }
    await elbow?.stop();
  });

  const shot = (name: string, options: { fullPage?: boolean } = {}) => opened.shot(name, options);
  const submitForm = (fields: Record<string, string>) => submit(page, fields);

  it('signs in with the API token', async () => {
    await page.goto(`${elbow.url}/console/`);
    await page.fill('#token', 'wrong');
    await page.click('button[type=submit]');
    await page.waitForSelector('#token-error');
    await shot('signin');
    await page.fill('#token', elbow.token);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=No load balancers yet');
    assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.getItem('elbow.token')), elbow.token);
  });

  it('creates a load balancer, a pool of two real backends with a health monitor, and an HTTP listener through the forms', async () => {
    await page.click('text=New load balancer');
    await submitForm({ name: 'web', vip_address: vip });
    await page.waitForURL(/\/console\/loadbalancers\/[0-9a-f-]{36}$/);
    lbId = page.url().split('/').pop() ?? '';

    await page.click('text=Add pool');
    // Offered pool protocols follow the spec; with no listener chosen every one is allowed.
    await submitForm({ name: 'backends', protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN' });
    await page.waitForURL(/\/console\/pools\/[0-9a-f-]{36}$/);
    const poolId = page.url().split('/').pop() ?? '';
    for (const [i, server] of backends.entries()) {
      await page.click('text=Add member');
      await submitForm({ name: `b${i + 1}`, address: '127.0.0.1', protocol_port: String(portOf(server)) });
      await page.waitForURL(new RegExp(`/console/pools/${poolId}$`));
      await page.waitForSelector(`text=127.0.0.1:${portOf(server)}`);
    }
    await page.click('text=Add health monitor');
    // An HTTP pool is offered the monitor types it takes; UDP-CONNECT is not among them.
    await page.locator('#f-type option').nth(1).waitFor({ state: 'attached' });
    const types = await page.locator('#f-type option').allTextContents();
    assert.ok(types.includes('HTTP') && !types.includes('UDP-CONNECT'), types.join());
    await submitForm({ type: 'HTTP', delay: '1', timeout: '1', max_retries: '1', max_retries_down: '1', url_path: '/' });
    await page.waitForURL(new RegExp(`/console/pools/${poolId}$`));

    await page.goto(`${elbow.url}/console/loadbalancers/${lbId}`);
    await page.click('text=Add listener');
    // SSL is for classic load balancers only: this one is standard.
    await page.locator('#f-protocol option').nth(1).waitFor({ state: 'attached' });
    const protocols = await page.locator('#f-protocol option').allTextContents();
    assert.ok(protocols.includes('HTTP') && !protocols.includes('SSL'), protocols.join());
    await page.selectOption('#f-protocol', 'HTTP');
    // Only pools the HTTP listener can send to are offered.
    await submitForm({ name: 'http', protocol_port: String(port), default_pool_id: poolId });
    await page.waitForURL(/\/console\/listeners\/[0-9a-f-]{36}$/);
    httpListenerId = page.url().split('/').pop() ?? '';

    const listeners = await elbow.api('GET', `/v2/lbaas/listeners?loadbalancer_id=${lbId}`);
    assert.deepEqual(listeners.body.listeners.map((l: { protocol: string; protocol_port: number }) => `${l.protocol}:${l.protocol_port}`), [`HTTP:${port}`]);
    const members = await elbow.api('GET', `/v2/lbaas/pools/${poolId}/members`);
    assert.equal(members.body.members.length, 2);
  });

  it('shows the port rule at the field for a TCP listener on the same port, and nothing for UDP', async () => {
    await page.goto(`${elbow.url}/console/listeners/new?loadbalancer_id=${lbId}`);
    await submitForm({ name: 'tcp', protocol: 'TCP', protocol_port: String(port) });
    const error = page.locator('#f-protocol_port-error');
    await error.waitFor();
    assert.match(await error.innerText(), new RegExp(`^Another listener on this load balancer \\(id ${httpListenerId}, HTTP:${port}\\) already uses TCP port ${port}$`));
    assert.equal(await page.locator('#f-protocol_port').getAttribute('aria-invalid'), 'true');
    await shot('port-conflict');

    await page.selectOption('#f-protocol', 'UDP');
    await page.fill('#f-name', 'udp');
    await page.click('form.resource-form button[type=submit]');
    await page.waitForURL(/\/console\/listeners\/[0-9a-f-]{36}$/);
    assert.equal(await page.locator('.field-error').count(), 0);
    assert.match(await page.locator('.page-header').innerText(), new RegExp(`UDP:${port}`));
  });

  it('moves the request chart while curl sends traffic', async () => {
    await page.goto(`${elbow.url}/console/listeners/${httpListenerId}`);
    const twoHundreds = page.locator('[data-testid=now-requests] b[data-series="2xx"]');
    await page.waitForSelector('.live.on');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelector('[data-testid=now-requests] b[data-series="2xx"]')?.textContent === '0/s');
    // About 10 s of traffic at 40 requests/s over one keep-alive connection.
    curl = spawn('curl', ['-s', '-o', '/dev/null', '--rate', '40/s', `http://${vip}:${port}/?n=[1-400]`], { stdio: 'ignore' });
    await page.waitForFunction(() => {
      const text = (globalThis as unknown as PageGlobals).document.querySelector('[data-testid=now-requests] b[data-series="2xx"]')?.textContent ?? '';
      return Number.parseFloat(text) >= 5;
    });
    const rate = Number.parseFloat(await twoHundreds.innerText());
    assert.ok(rate >= 5 && rate <= 100, `2xx rate ${rate}/s`);
    // The plot itself got the points: uPlot draws the series path from them.
    const latency = await page.locator('[data-testid=now-latency] b[data-series="p50"]').innerText();
    assert.match(latency, /^\d+(\.\d+)? ms$/);
    await page.waitForTimeout(SCREENSHOTS ? 4000 : 0);
    await shot('listener', { fullPage: true });
  });

  it('turns a member red after its backend is killed, and puts the change on the timeline', async () => {
    await page.goto(`${elbow.url}/console/loadbalancers/${lbId}`);
    const pool = (await elbow.api('GET', `/v2/lbaas/pools?loadbalancer_id=${lbId}`)).body.pools[0];
    const b2 = (await elbow.api('GET', `/v2/lbaas/pools/${pool.id}/members?name=b2`)).body.members[0].id as string;
    const node = page.locator(`ul.tree li[data-id="${b2}"] > .node`);
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).document.querySelector(`ul.tree li[data-id="${id}"] > .node`)?.getAttribute('data-status') === 'ONLINE', b2);
    const dead = backends[1];
    assert.ok(dead);
    dead.closeAllConnections();
    await new Promise((done) => dead.close(done));
    await page.waitForFunction((id) => (globalThis as unknown as PageGlobals).document.querySelector(`ul.tree li[data-id="${id}"] > .node`)?.getAttribute('data-status') === 'ERROR', b2);
    assert.equal(await node.locator('.dot').getAttribute('class'), 'dot down');
    // Red once the colour's short transition is over (the theme's --down).
    await page.waitForFunction((id) => {
      const page = globalThis as unknown as PageGlobals;
      const dot = page.document.querySelector(`ul.tree li[data-id="${id}"] > .node .dot`);
      return dot !== null && page.getComputedStyle(dot).backgroundColor === 'rgb(207, 34, 46)';
    }, b2);
    await page.waitForSelector('.timeline li[data-to="ERROR"]');
    assert.match(await page.locator('.timeline li[data-to="ERROR"]').first().innerText(), /127\.0\.0\.1:\d+ b2[\s\S]*ONLINE[\s\S]*ERROR/);
    await shot('loadbalancer', { fullPage: true });
    if (SCREENSHOTS) {
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.click('button[aria-label="Switch to dark theme"]');
      await shot('loadbalancer-dark');
      await page.setViewportSize({ width: 390, height: 844 });
      await shot('phone', { fullPage: false });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.click('button[aria-label="Switch to light theme"]');
      await page.goto(`${elbow.url}/console/`);
      await page.waitForSelector('table.list');
      await shot('list');
    }
  });

  it('asked nothing of any other origin and broke no Content-Security-Policy', () => {
    assert.deepEqual(opened.foreignRequests, []);
    assert.deepEqual(unexpectedErrors(opened.consoleErrors), []);
  });
});
