// The console's admin pages in a real browser (Debian's chromium driven by playwright-core) against
// a real `elbow serve`: a flavor profile (its bad flavor_data refused at the field) and a flavor
// created through the forms, the flavor picked from the load balancer form's choices (and the
// availability zones offered there), a quota set and reset, and the nodes page listing this node
// with its health. ELBOW_SCREENSHOTS=1 also writes docs/console-admin.png and docs/console-nodes.png.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openConsoleBrowser, skipReason, submitForm, unexpectedErrors, type ConsoleBrowser } from '../helpers/console-browser.js';
import { startElbow, type ElbowProcess } from '../helpers/elbow-process.js';

const UUID = '[0-9a-f-]{36}';

describe('web console admin pages in chromium', { skip: skipReason, timeout: 180_000 }, () => {
  let elbow: ElbowProcess;
  let opened: ConsoleBrowser;
  let page: Page;
  // A VIP of this test's own (not the shared 127.0.1.x range), so parallel runs cannot collide.
  const vip = `127.0.${20 + Math.floor(Math.random() * 200)}.${2 + Math.floor(Math.random() * 250)}`;
  let flavorId = '';

  before(async () => {
    elbow = await startElbow();
    opened = await openConsoleBrowser(elbow.url);
    page = opened.page;
    await page.goto(`${elbow.url}/console/`);
    await page.fill('#token', elbow.token);
    await page.click('button[type=submit]');
    await page.waitForSelector('text=No load balancers yet');
  });

  after(async () => {
    await opened?.browser.close();
    await elbow?.stop();
  });

  it('creates a flavor profile through its form, showing the API refusal of bad flavor_data at the field', async () => {
    await page.click('nav >> text=Admin');
    await page.waitForURL(/\/console\/admin$/);
    await page.click('text=New flavor profile');
    await page.waitForURL(/\/console\/flavorprofiles\/new$/);
    await submitForm(page, { name: 'large', provider_name: 'elbow', flavor_data: '{"connection_limit": 1000' });
    const error = page.locator('#f-flavor_data-error');
    await error.waitFor();
    assert.match(await error.innerText(), /flavor_data.*not valid JSON/);
    assert.equal(await page.locator('#f-flavor_data').getAttribute('aria-invalid'), 'true');

    await page.fill('#f-flavor_data', '{"connection_limit": 1000}');
    await page.click('form.resource-form button[type=submit]');
    await page.waitForURL(new RegExp(`/console/flavorprofiles/${UUID}$`));
    assert.match(await page.locator('table.details').innerText(), /connection_limit/);
  });

  it('creates a flavor on that profile, the profile chosen from the API', async () => {
    const profile = (await elbow.api('GET', '/v2/lbaas/flavorprofiles?name=large')).body.flavorprofiles[0];
    await page.goto(`${elbow.url}/console/flavors`);
    await page.click('text=New flavor');
    // The profile is offered by name: the form reads x-elbow-ref in /openapi.json and lists the profiles.
    await page.locator(`#f-flavor_profile_id option[value="${profile.id}"]`).waitFor({ state: 'attached' });
    assert.equal(await page.locator(`#f-flavor_profile_id option[value="${profile.id}"]`).innerText(), 'large');
    await submitForm(page, { name: 'gold', description: 'up to 1000 connections per listener', flavor_profile_id: profile.id });
    await page.waitForURL(new RegExp(`/console/flavors/${UUID}$`));
    flavorId = page.url().split('/').pop() ?? '';
    const flavor = (await elbow.api('GET', `/v2/lbaas/flavors/${flavorId}`)).body.flavor;
    assert.equal(flavor.name, 'gold');
    assert.equal(flavor.flavor_profile_id, profile.id);
    await page.goto(`${elbow.url}/console/flavors`);
    await page.waitForSelector(`table.list tr[data-id="${flavorId}"]`);
    assert.match(await page.locator(`table.list tr[data-id="${flavorId}"]`).innerText(), /gold[\s\S]*large[\s\S]*true/);
  });

  it('picks the flavor when creating a load balancer, and offers the availability zones', async () => {
    const zoneProfile = await elbow.api('POST', '/v2/lbaas/availabilityzoneprofiles', { availability_zone_profile: { name: 'az-profile', provider_name: 'elbow', availability_zone_data: '{}' } });
    assert.equal(zoneProfile.status, 201);
    const zone = await elbow.api('POST', '/v2/lbaas/availabilityzones', { availability_zone: { name: 'zone-a', availability_zone_profile_id: zoneProfile.body.availability_zone_profile.id } });
    assert.equal(zone.status, 201);

    await page.goto(`${elbow.url}/console/loadbalancers/new`);
    await page.locator(`#f-flavor_id option[value="${flavorId}"]`).waitFor({ state: 'attached' });
    assert.equal(await page.locator(`#f-flavor_id option[value="${flavorId}"]`).innerText(), 'gold');
    assert.deepEqual(await page.locator('#f-availability_zone option').allTextContents(), ['(none)', 'zone-a']);
    await page.selectOption('#f-flavor_id', flavorId);
    await opened.shot('loadbalancer-form');
    await submitForm(page, { name: 'web', vip_address: vip });
    await page.waitForURL(new RegExp(`/console/loadbalancers/${UUID}$`));
    const lbId = page.url().split('/').pop() ?? '';
    const lb = (await elbow.api('GET', `/v2/lbaas/loadbalancers/${lbId}`)).body.loadbalancer;
    assert.equal(lb.flavor_id, flavorId);
    assert.equal(lb.availability_zone, null);
    // The header names its flavor; the node serving it (its amphora) is listed by name.
    await page.waitForSelector(`.page-header a.chip[href="/console/flavors/${flavorId}"]:text("flavor gold")`);
    const node = (await elbow.api('GET', '/v2/lbaas/nodes')).body.nodes[0];
    const servedBy = page.locator('section.card', { hasText: 'Served by' });
    await servedBy.locator(`a[href="/console/nodes/${node.name}"]`).waitFor();
    await servedBy.locator('.badge:text("ALLOCATED")').waitFor();
    // The load balancer's settings link to its flavor, whose page lists it.
    await page.click(`table.details a[href="/console/flavors/${flavorId}"]`);
    await page.waitForURL(new RegExp(`/console/flavors/${flavorId}$`));
    await page.waitForSelector(`a[href="/console/loadbalancers/${lbId}"]`);
  });

  it('sets a quota for a project through its form and resets it with a confirmed delete', async () => {
    await page.goto(`${elbow.url}/console/quotas`);
    await page.click('text=Set a quota');
    await submitForm(page, { project_id: 'project-a', loadbalancer: '5', pool: '20' });
    await page.waitForURL(/\/console\/quotas\/project-a$/);
    const quota = (await elbow.api('GET', '/v2/lbaas/quotas/project-a')).body.quota;
    assert.equal(quota.loadbalancer, 5);
    assert.equal(quota.pool, 20);
    assert.equal(quota.listener, -1);

    await page.click('button[aria-label="Reset quota project-a"]');
    const dialog = page.locator('dialog.confirm[open]');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /default limits/);
    await dialog.locator('button.danger').click();
    await page.waitForURL(/\/console\/quotas$/);
    assert.deepEqual((await elbow.api('GET', '/v2/lbaas/quotas')).body.quotas, []);
    await page.goto(`${elbow.url}/console/admin`);
    await page.waitForSelector('text=1 flavor profile');
    await opened.shot('admin', { fullPage: true });
  });

  it('lists this node on the nodes page with its zone, applied revision, heartbeat and health', async () => {
    const node = (await elbow.api('GET', '/v2/lbaas/nodes')).body.nodes[0];
    assert.equal(node.health, 'ok');
    await page.click('nav >> text=Nodes');
    await page.waitForURL(/\/console\/nodes$/);
    const row = page.locator(`table.list tr[data-id="${node.name}"]`);
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, new RegExp(`${node.name}\\s*this node`));
    assert.match(text, /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    assert.equal(await row.locator('.badge').innerText(), 'ok');
    assert.equal(await row.locator('.badge').getAttribute('class'), 'badge ok');
    await opened.shot('nodes');

    // Its page: the load balancer placed on it, and no forgetting a node that is up.
    await row.locator(`a[href="/console/nodes/${node.name}"]`).click();
    await page.waitForSelector('text=Load balancers placed on it');
    await page.waitForSelector('section.card table.list a:text("web")');
    // The load balancer's amphora on this node: its page names the node by name.
    await page.locator('section.card table.list a .badge:text("ALLOCATED")').click();
    await page.waitForURL(new RegExp(`/console/amphorae/${UUID}$`));
    await page.waitForSelector(`.page-header a[href="/console/nodes/${node.name}"]`);
    const amphora = (await elbow.api('GET', `/v2/octavia/amphorae/${page.url().split('/').pop() ?? ''}`)).body.amphora;
    assert.equal(amphora.compute_id, node.id);
    await page.goBack();
    await page.waitForSelector('text=Load balancers placed on it');
    await page.click(`button[aria-label="Forget elbow node ${node.name}"]`);
    await page.locator('dialog.confirm[open] button.danger').click();
    await page.locator('dialog.confirm[open] .error').waitFor();
    assert.match(await page.locator('dialog.confirm[open] .error').innerText(), /heartbeat|down/i);
    await page.keyboard.press('Escape');
  });

  it('asked nothing of any other origin and broke no Content-Security-Policy', () => {
    assert.deepEqual(opened.foreignRequests, []);
    // 400: the bad flavor_data; 409: forgetting a node that is up.
    assert.deepEqual(unexpectedErrors(opened.consoleErrors, [400, 409]), []);
  });
});
