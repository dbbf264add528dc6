// Discord allows 5 message creates and 5 edits per 5 s per channel. Spacing each kind evenly (rather
// than bursting and then waiting out the window) keeps latency flat; the bucket headers, fed back
// through ChannelPacer.observe, absorb any drift at the window's edge, so no request earns a 429.
export const CHANNEL_OP_INTERVAL_MS = 1_000;
// The bot's global REST budget is 50 requests/s; relays together take at most this share of it.
export const RELAY_GLOBAL_OPS_PER_SECOND = 40;

export type Lane = 'create' | 'edit';

export interface Clock {
	now(): number;
}

/** When each kind of request may next go to one channel. */
export class ChannelPacer {
	readonly #next: Record<Lane, number> = { create: 0, edit: 0 };
	readonly #intervalMs: number;
	readonly #clock: Clock;

	public constructor(clock: Clock, intervalMs = CHANNEL_OP_INTERVAL_MS) {
		this.#clock = clock;
		this.#intervalMs = intervalMs;
	}

	public readyAt(lane: Lane): number {
		return this.#next[lane];
	}

	public isReady(lane: Lane): boolean {
		return this.#next[lane] <= this.#clock.now();
	}

	public spend(lane: Lane): void {
		this.#next[lane] = Math.max(this.#next[lane], this.#clock.now()) + this.#intervalMs;
	}

	/** Discord's own headers win over the spacing: an exhausted bucket waits for its reset. */
	public observe(lane: Lane, remaining: number, resetAfterMs: number): void {
		if (remaining <= 0) this.#next[lane] = Math.max(this.#next[lane], this.#clock.now() + resetAfterMs);
	}
}

/**
 * One fair queue of relay requests for the whole bot, so many busy relays together stay inside the
 * global rate limit and leave room for interaction replies.
 */
export class GlobalPacer {
	readonly #intervalMs: number;
	readonly #waiting: (() => void)[] = [];
	#nextAt = 0;
	#timer: NodeJS.Timeout | undefined;

	public constructor(opsPerSecond = RELAY_GLOBAL_OPS_PER_SECOND) {
		this.#intervalMs = 1_000 / opsPerSecond;
	}

	public acquire(): Promise<void> {
		return new Promise((resolve) => {
			this.#waiting.push(resolve);
			this.#drain();
		});
	}

	#drain(): void {
		if (this.#timer) return;
		const now = performance.now();
		while (this.#waiting.length > 0 && this.#nextAt <= now) {
			this.#nextAt = Math.max(this.#nextAt, now) + this.#intervalMs;
			this.#waiting.shift()?.();
		}
		if (this.#waiting.length === 0) return;
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#drain();
		}, this.#nextAt - now);
	}
}
