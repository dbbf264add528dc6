import { expect, test } from 'vitest';
import { backoffDelay, RECONNECT_BACKOFF } from '../../src/panel/backoff.ts';

test('reconnect delays double from 1 s up to a 30 s cap', () => {
	const middle = () => 0.5;
	expect([0, 1, 2, 3, 4, 5, 6, 20].map((attempt) => backoffDelay(attempt, RECONNECT_BACKOFF, middle))).toEqual([
		1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
	]);
});

test('jitter spreads each delay by at most ±25 %', () => {
	expect(backoffDelay(3, RECONNECT_BACKOFF, () => 0)).toBe(6_000);
	expect(backoffDelay(3, RECONNECT_BACKOFF, () => 1)).toBe(10_000);
	expect(backoffDelay(10, RECONNECT_BACKOFF, () => 1)).toBe(37_500);
});
