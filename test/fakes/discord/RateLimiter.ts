export interface BucketSpec {
	readonly limit: number;
	readonly windowMs: number;
	/** Sent as X-RateLimit-Bucket. Routes sharing a hash share a queue inside @discordjs/rest. */
	readonly hash: string;
}

/** Discord's published or observed limits; windows are scaled by `rateLimitWindowScale`. */
export const BUCKETS = {
	messageCreate: { limit: 5, windowMs: 5_000, hash: '80c17d2f203122d936070c88c8d10f33' },
	messageEdit: { limit: 5, windowMs: 5_000, hash: 'a59a0f4f4d0b43e8b4d0a2c1f55e7b61' },
	threads: { limit: 10, windowMs: 10_000, hash: '3f2a4c8e91d7b6a05e4c3b2a1f0e9d8c' },
	reactions: { limit: 1, windowMs: 250, hash: '2c9d1e7f8a6b5c4d3e2f1a0b9c8d7e6f' },
	channel: { limit: 20, windowMs: 1_000, hash: 'b7e4d1c2a3f5e6d7c8b9a0f1e2d3c4b5' },
} as const satisfies Record<string, BucketSpec>;

export type BucketName = keyof typeof BUCKETS;

export const GLOBAL_LIMIT = { limit: 50, windowMs: 1_000 } as const;

export interface RateLimitDecision {
	readonly isAllowed: boolean;
	readonly headers: Record<string, string>;
	/** Seconds until the window resets; meaningful when not allowed. */
	readonly retryAfterSeconds: number;
}

interface Window {
	startedAt: number;
	used: number;
}

/** Fixed windows that start at the first request, keyed by bucket and major parameter. */
export class RateLimiter {
	readonly #scale: number;
	readonly #windows = new Map<string, Window>();

	public constructor(scale: number) {
		this.#scale = scale;
	}

	public take(name: BucketName, majorId: string, now: number): RateLimitDecision {
		const spec = BUCKETS[name];
		const windowMs = spec.windowMs * this.#scale;
		const window = this.#windowFor(`${name}:${majorId}`, windowMs, now);
		const isAllowed = window.used < spec.limit;
		if (isAllowed) window.used += 1;

		const resetAfterMs = window.startedAt + windowMs - now;
		const headers: Record<string, string> = {
			'X-RateLimit-Limit': String(spec.limit),
			'X-RateLimit-Remaining': String(spec.limit - window.used),
			'X-RateLimit-Reset': ((Date.now() + resetAfterMs) / 1_000).toFixed(3),
			'X-RateLimit-Reset-After': (resetAfterMs / 1_000).toFixed(3),
			'X-RateLimit-Bucket': spec.hash,
		};
		return { isAllowed, headers, retryAfterSeconds: resetAfterMs / 1_000 };
	}

	public takeGlobal(now: number): RateLimitDecision {
		const windowMs = GLOBAL_LIMIT.windowMs * this.#scale;
		const window = this.#windowFor('global', windowMs, now);
		const isAllowed = window.used < GLOBAL_LIMIT.limit;
		if (isAllowed) window.used += 1;

		return { isAllowed, headers: {}, retryAfterSeconds: (window.startedAt + windowMs - now) / 1_000 };
	}

	#windowFor(key: string, windowMs: number, now: number): Window {
		const existing = this.#windows.get(key);
		if (existing && now < existing.startedAt + windowMs) return existing;

		const fresh = { startedAt: now, used: 0 };
		this.#windows.set(key, fresh);
		return fresh;
	}
}
