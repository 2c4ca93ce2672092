// The six columns: the backends directly, HAProxy, nginx, a node-http-proxy balancer, elbow and elbow
// on its haproxy engine. A proxy that cannot start (haproxy missing, for instance) becomes a target
// whose every front end is unavailable with the reason, so the run goes on without it, visibly.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startElbowHaproxyProxy, startElbowProxy } from './proxies/elbow.js';
import { startHaproxy } from './proxies/haproxy.js';
import { startNginxProxy } from './proxies/nginx.js';
import { startNodeHttpProxy } from './proxies/node-http-proxy.js';
import type { BackendPorts, Endpoint, Frontend, ProxyPlan, Target, TargetName } from './scenario.js';

export function directTarget(backends: BackendPorts): Target {
  const endpoints = Object.fromEntries(Object.entries(backends).map(([name, port]) => [name, { port }])) as Record<Frontend, Endpoint>;
  return { name: 'direct', endpoints, pid: null, stop: async () => undefined };
}

function unavailableTarget(name: TargetName, reason: string): Target {
  const frontends: Frontend[] = ['http', 'https', 'tcpBulk', 'tcpEcho', 'udp', 'tcpIdle'];
  const endpoints = Object.fromEntries(frontends.map((frontend) => [frontend, { unavailable: reason }])) as Record<Frontend, Endpoint>;
  return { name, endpoints, pid: null, stop: async () => undefined };
}

export type ProxyName = Exclude<TargetName, 'direct'>;

const STARTERS: Record<ProxyName, (plan: ProxyPlan) => Promise<Target>> = {
  haproxy: startHaproxy,
  nginx: startNginxProxy,
  'node-http-proxy': startNodeHttpProxy,
  elbow: startElbowProxy,
  'elbow-haproxy': startElbowHaproxyProxy,
};

export const PROXY_NAMES = Object.keys(STARTERS) as ProxyName[];

/** Starts one proxy with its files in plan.dir/<dirName>; throws when it cannot start. */
export function startProxy(name: ProxyName, plan: ProxyPlan, dirName: string = name): Promise<Target> {
  const dir = path.join(plan.dir, dirName);
  mkdirSync(dir, { recursive: true });
  return STARTERS[name]({ ...plan, dir });
}

export async function startTargets(plan: ProxyPlan): Promise<Target[]> {
  const targets: Target[] = [directTarget(plan.backends)];
  for (const name of PROXY_NAMES) {
    try {
      targets.push(await startProxy(name, plan));
    } catch (err) {
      const reason = (err as Error).message.split('\n')[0] ?? 'did not start';
      console.log(`  ${name}: ${reason}`);
      targets.push(unavailableTarget(name, reason));
    }
  }
  return targets;
}
