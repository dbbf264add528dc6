import { setTimeout as delay } from 'node:timers/promises';
import type { ProcessStats } from './ipc.ts';

/** Nearest-rank percentile; NaN for no samples. */
export function percentile(values: readonly number[], fraction: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = Float64Array.from(values).sort();
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
	return sorted[rank] ?? Number.NaN;
}

export interface Usage {
	readonly peakRssBytes: number;
	/** CPU time over wall time: 1 is one core fully busy. */
	readonly cpuCores: number;
}

/** What the bot process used between two samples; peak RSS is the later sample's window peak. */
export function usageBetween(before: ProcessStats, after: ProcessStats): Usage {
	const wallMicros = (after.at - before.at) * 1_000;
	return {
		peakRssBytes: after.peakRss,
		cpuCores: wallMicros > 0 ? (after.cpuMicros - before.cpuMicros) / wallMicros : Number.NaN,
	};
}

/**
 * Calls `emit(count, at)` so that `ratePerSecond` items go out over `durationMs`, on ticks of at least
 * `tickMs`. Late ticks emit the backlog at once, so the total never drifts; returns the worst tick lag.
 */
export async function emitAtRate(
	ratePerSecond: number,
	durationMs: number,
	tickMs: number,
	emit: (count: number, at: number) => void,
): Promise<{ total: number; worstLagMs: number }> {
	const total = Math.round((ratePerSecond * durationMs) / 1_000);
	const interval = Math.max(tickMs, 1_000 / ratePerSecond);
	const startedAt = performance.now();
	let sent = 0;
	let worstLagMs = 0;
	for (let tick = 0; sent < total; tick++) {
		const wake = startedAt + tick * interval;
		const wait = wake - performance.now();
		if (wait > 0) await delay(wait);
		const now = performance.now();
		worstLagMs = Math.max(worstLagMs, now - wake);
		const due = Math.min(total, Math.floor(((now - startedAt) * ratePerSecond) / 1_000) + 1);
		if (due > sent) {
			emit(due - sent, now);
			sent = due;
		}
	}
	return { total, worstLagMs };
}

/** Polls `check` until it holds or `timeoutMs` passes; returns whether it held. */
export async function pollUntil(check: () => boolean, timeoutMs: number, intervalMs = 200): Promise<boolean> {
	const deadline = performance.now() + timeoutMs;
	for (;;) {
		if (check()) return true;
		if (performance.now() >= deadline) return false;
		await delay(intervalMs);
	}
}

export const MB = 1_048_576;
