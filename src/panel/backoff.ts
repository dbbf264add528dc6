export interface BackoffPolicy {
	readonly baseMs: number;
	readonly maxMs: number;
	/** Spread as a fraction of the delay: 0.25 gives ±25 %. */
	readonly jitter: number;
}

export const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000, jitter: 0.25 };

/** Capped exponential delay for the given attempt (0-based), jittered so many relays do not reconnect in step. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
	const capped = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
	return Math.round(capped * (1 - policy.jitter + 2 * policy.jitter * random()));
}
