// show stat → elbow's counters, and the ledger that keeps them growing when workers come and go.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CounterLedger, parseShowStat, workerCounters } from '../../../../src/engines/haproxy/stats.js';
import { parseShowTable, restoreCommands, serverIds } from '../../../../src/engines/haproxy/stick-tables.js';
import { attributeAlerts } from '../../../../src/engines/haproxy/engine.js';
import { parseAccessLogDatagram, parseDatagram } from '../../../../src/engines/haproxy/access-log.js';
import { renderConfig } from '../../../../src/engines/haproxy/render.js';
import { makeListener, makeMember, makePool, makeSnapshot } from '../../dataplane/support.js';

const HEADER = '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses';

function row(fields: Record<string, string | number>): string {
  const names = HEADER.slice(2).split(',');
  return names.map((name) => String(fields[name] ?? '')).join(',');
}

function csv(stot: number, econ = 0): string {
  return [
    HEADER,
    row({ pxname: 'l_5f1', svname: 'FRONTEND', scur: 2, stot, bin: stot * 10, bout: stot * 20, ereq: 1, dcon: 2, dses: 0, type: 0, hrsp_2xx: stot, hrsp_5xx: 1 }),
    row({ pxname: 'p:l_5f1', svname: 'm-1', scur: 2, type: 2, status: 'UP' }),
    row({ pxname: 'p:l_5f1', svname: 'BACKEND', econ, eresp: 1, type: 1 }),
    '',
  ].join('\n');
}

describe('HAProxy stats', () => {
  it('reads a frontend as the listener whose id its name encodes, with its backends\' member failures', () => {
    const counters = workerCounters(parseShowStat(csv(5, 3)));
    assert.deepEqual(counters.listeners.get('l_1'), { bytes_in: 50, bytes_out: 100, active_connections: 2, total_connections: 5, request_errors: 1 + 2 + 3 + 1 });
    assert.deepEqual([...(counters.responses.get('l_1') ?? [])], [['2xx', 5], ['5xx', 1]]);
    assert.equal(counters.memberConnections.get('m-1'), 2);
  });

  it('keeps the columns it reads, empty where a line stops short, and skips comments and blank lines', () => {
    const text = [HEADER, row({ pxname: 'l', svname: 'FRONTEND', scur: 3, qcur: 9, type: 0 }), '', '# a comment', 'p:l,m-1,0,0,1'].join('\n');
    const rows = parseShowStat(text);
    assert.equal(rows.length, 2);
    assert.equal(rows[0]?.scur, '3');
    assert.equal(rows[0]?.type, '0');
    assert.equal(rows[0]?.qcur, undefined, 'a column nothing reads is left out');
    assert.deepEqual([rows[1]?.pxname, rows[1]?.svname, rows[1]?.scur, rows[1]?.status, rows[1]?.dses], ['p:l', 'm-1', '1', '', '']);
    assert.deepEqual(parseShowStat(''), []);
  });

  it('never goes backwards when an old worker exits after a reload', () => {
    const ledger = new CounterLedger();
    ledger.record(new Map([[100, workerCounters(parseShowStat(csv(10)))]]));
    // Reload: the new worker starts from zero while the old one drains.
    ledger.record(new Map([[100, workerCounters(parseShowStat(csv(12)))], [200, workerCounters(parseShowStat(csv(1)))]]));
    assert.equal(ledger.listeners().get('l_1')?.total_connections, 13);
    // The old worker is gone: its last reading is kept.
    ledger.record(new Map([[200, workerCounters(parseShowStat(csv(3)))]]));
    assert.equal(ledger.listeners().get('l_1')?.total_connections, 15);
    assert.equal(ledger.listeners().get('l_1')?.active_connections, 2, 'a gone worker holds no connections');
    ledger.forget(new Set());
    assert.equal(ledger.listeners().get('l_1')?.total_connections, 3);
  });
});

describe('stick tables across a reload', () => {
  it('entries point at the new worker\'s ids for the same server names', () => {
    const dump = '# table: p:l, type: ipv6, size:10240, used:2\n0x1: key=::ffff:127.0.0.1 use=0 exp=1000 server_id=1 server_key=m-a\n0x2: key=::ffff:127.0.0.2 use=0 exp=1000 server_id=2 server_key=gone\n';
    const state = '1\n# be_id be_name srv_id srv_name srv_addr\n3 p:l 7 m-a 127.0.0.1\n3 p:l 8 m-b 127.0.0.1\n';
    assert.deepEqual(restoreCommands('p:l', parseShowTable(dump), serverIds(state)), ['@1 set table p:l key ::ffff:127.0.0.1 data.server_id 7']);
  });
});

describe('ALERT attribution', () => {
  it('names the listener of a bind failure and of a configuration line', () => {
    const snapshot = makeSnapshot(1, [makeListener({ id: 'a', port: 8001, defaultPoolId: 'p' }), makeListener({ id: 'b_x', port: 8002, defaultPoolId: 'p' })], [makePool({ id: 'p', members: [makeMember({ id: 'm', port: 9000 })] })]);
    const rendered = renderConfig(snapshot, { dir: '/d', hardStopAfterMs: 1000, threads: 1, accessLogTarget: null });
    const line = rendered.text.split('\n').findIndex((text) => text.startsWith('frontend a')) + 3;
    const failed = attributeAlerts([
      'Binding [/d/haproxy.cfg:40] for frontend b_5fx: cannot bind socket (Address already in use) for [127.0.0.1:8002]',
      `config : parsing [/d/haproxy.cfg:${line}] : something wrong`,
      'config : Fatal errors found in configuration.',
    ], rendered);
    assert.deepEqual([...failed.keys()].sort(), ['a', 'b_x']);
    assert.equal(failed.get('b_x'), 'cannot bind socket (Address already in use) for [127.0.0.1:8002]');
  });
});

describe('access log datagrams', () => {
  it('become the Node engine\'s entries', () => {
    const entry = parseAccessLogDatagram('{"l":"web","c":"127.0.0.1:5000","s":"-:-","m":"GET","u":"/x","st":503,"bi":70,"bo":120,"ta":1,"tr":-1,"t":1765000000123}');
    assert.deepEqual(entry, { time: '2025-12-06T05:46:40.123Z', listener_id: 'web', client: '127.0.0.1:5000', member: null, method: 'GET', path: '/x', status: 503, bytes_in: 70, bytes_out: 120, duration_ms: 1, upstream_ms: null });
    assert.equal(parseAccessLogDatagram('not json'), null);
  });

  it('say whether the access log wants them and whether an ambiguous request was forwarded, in which mode', () => {
    const base = '"l":"web","c":"127.0.0.1:5000","s":"127.0.0.1:80","m":"GET","u":"/_search","st":200,"bi":70,"bo":120,"ta":1,"tr":1,"t":1765000000123';
    const plain = parseDatagram(`{${base},"w":1,"a":"","d":"defensive"}`);
    assert.deepEqual([plain?.write, plain?.ambiguousIn], [true, null]);
    const monitored = parseDatagram(`{${base},"w":0,"a":"1","d":"monitor"}`);
    assert.deepEqual([monitored?.write, monitored?.ambiguousIn, monitored?.entry.path], [false, 'monitor', '/_search']);
    // HAProxy's own notices reach the same receiver.
    assert.equal(parseDatagram('Proxy web stopped (cumulated conns: FE: 1, BE: 0).'), null);
  });
});
