export type RateLimitVerdict =
	| { readonly isLimited: false }
	| { readonly isLimited: true; readonly retryAfterSeconds: number; readonly headers: Record<string, string> };

/**
 * The panel's fixed-window limiter (API.md §1.6): every hit counts, rejected ones too, and a hit is refused
 * once the new count is ≥ hits, so hits − 1 requests pass per window.
 */
export class FixedWindowLimiter {
	readonly #hits: number;
	readonly #windowMs: number;
	readonly #windows = new Map<string, { count: number; resetsAt: number }>();

	public constructor(limit: { hits: number; windowSeconds: number }) {
		this.#hits = limit.hits;
		this.#windowMs = limit.windowSeconds * 1_000;
	}

	public hit(name: string, now = Date.now()): RateLimitVerdict {
		let window = this.#windows.get(name);
		if (!window || window.resetsAt <= now) {
			window = { count: 0, resetsAt: now + this.#windowMs };
			this.#windows.set(name, window);
		}
		window.count += 1;
		if (window.count < this.#hits) return { isLimited: false };

		const retryAfterSeconds = Math.max(1, Math.ceil((window.resetsAt - now) / 1_000));
		return {
			isLimited: true,
			retryAfterSeconds,
			headers: {
				'X-RateLimit-Limit': String(this.#hits),
				'X-RateLimit-Remaining': '0',
				'X-RateLimit-Reset': String(Math.ceil(window.resetsAt / 1_000)),
				'Retry-After': String(retryAfterSeconds),
			},
		};
	}
}
