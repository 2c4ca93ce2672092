import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startIdleCollector } from '../../../../src/dataplane/cluster/idle-collector.js';

const waitUntil = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

it('collects (rounds times) once an idle worker has grown, and not again until it grows anew', async () => {
  let rss = 100;
  let collections = 0;
  const timer = startIdleCollector({ gc: () => { collections++; rss = 105; }, intervalMs: 20, rounds: 1, rss: () => rss });
  try {
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(collections, 0, 'no growth, no collection');
    rss = 300;
    await waitUntil(() => collections > 0);
    assert.equal(collections, 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(collections, 1, 'back near where it was: nothing more to do');
    rss = 200;
    await waitUntil(() => collections > 1);
    assert.equal(collections, 2, 'grown again');
  } finally {
    clearInterval(timer);
  }
});

it('leaves a busy worker alone', async () => {
  let collections = 0;
  let rss = 100;
  const timer = startIdleCollector({ gc: () => collections++, intervalMs: 20, idleUtilization: -1, rss: () => rss });
  rss = 1_000;
  try {
    // Utilization is never below -1: the loop always counts as busy.
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(collections, 0);
  } finally {
    clearInterval(timer);
  }
});

it('collects a few times in a row once it has grown, while the RSS keeps dropping', async () => {
  let rss = 100;
  let collections = 0;
  const timer = startIdleCollector({ gc: () => { collections++; rss -= 50; }, intervalMs: 20, rounds: 3, rss: () => rss });
  rss = 400;
  try {
    await waitUntil(() => collections >= 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(collections, 3, 'three rounds, then it waits for growth');
    assert.equal(rss, 250);
  } finally {
    clearInterval(timer);
  }
});
