import assert from "node:assert/strict";
import { test } from "node:test";
import { AdaptiveLimiter } from "../../src/scheduler/limiter.js";
import { backoffDelay, parseRetryAfter } from "../../src/scheduler/retry.js";

test("limiter never exceeds its limit and queues the rest in order", async () => {
  const lim = new AdaptiveLimiter(2);
  const order: number[] = [];
  const releases = await Promise.all([lim.acquire(), lim.acquire()]);
  assert.equal(lim.stats().inFlight, 2);
  const third = lim.acquire().then((r) => {
    order.push(3);
    return r;
  });
  const fourth = lim.acquire().then((r) => {
    order.push(4);
    return r;
  });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, []);
  releases[0]!();
  const r3 = await third;
  assert.deepEqual(order, [3]);
  releases[1]!();
  (await fourth)();
  r3();
  assert.equal(lim.stats().inFlight, 0);
});

test("a rate-limit episode halves the limit once; clean streaks grow it back", () => {
  const lim = new AdaptiveLimiter(16, { episodeMs: 1000 });
  lim.onRateLimit();
  lim.onRateLimit(); // same episode: no second cut
  assert.equal(lim.limit, 8);
  for (let i = 0; i < 8; i++) lim.onSuccess();
  assert.equal(lim.limit, 9);
});

test("retry-after pauses new acquisitions", async () => {
  const lim = new AdaptiveLimiter(4);
  lim.onRateLimit(80);
  const t0 = Date.now();
  const release = await lim.acquire();
  assert.ok(Date.now() - t0 >= 70, `waited ${Date.now() - t0} ms`);
  release();
});

test("acquire rejects when its signal aborts while queued", async () => {
  const lim = new AdaptiveLimiter(1);
  const r = await lim.acquire();
  const ac = new AbortController();
  const p = lim.acquire(ac.signal);
  ac.abort(new Error("stop"));
  await assert.rejects(p, /stop/);
  r();
  assert.equal(lim.stats().queued, 0);
});

test("backoff grows exponentially with jitter and honours retry-after", () => {
  const policy = { maxRetries: 5, baseMs: 100, maxMs: 1000 };
  for (let i = 0; i < 20; i++) {
    const d0 = backoffDelay(policy, 0);
    assert.ok(d0 >= 50 && d0 <= 100);
    const d3 = backoffDelay(policy, 3);
    assert.ok(d3 >= 400 && d3 <= 800);
    assert.ok(backoffDelay(policy, 10) <= 1000);
  }
  assert.equal(backoffDelay(policy, 0, 5000), 5000);
  assert.equal(parseRetryAfter("2"), 2000);
  assert.equal(parseRetryAfter(null, "150"), 150);
  assert.equal(parseRetryAfter("soon"), undefined);
});
