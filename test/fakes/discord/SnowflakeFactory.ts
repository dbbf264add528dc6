const DISCORD_EPOCH_MS = 1_420_070_400_000n;
const MAX_INCREMENT = 4_095n;

/** Real-shaped snowflakes (19 digits today), strictly increasing even within one millisecond. */
export class SnowflakeFactory {
	#lastMs = 0n;
	#increment = 0n;

	public next(): string {
		let now = BigInt(Date.now());
		if (now <= this.#lastMs) {
			now = this.#lastMs;
			this.#increment += 1n;
			// Borrowing the next millisecond keeps ids unique and ordered under bursts.
			if (this.#increment > MAX_INCREMENT) {
				now += 1n;
				this.#increment = 0n;
			}
		} else {
			this.#increment = 0n;
		}

		this.#lastMs = now;
		return (((now - DISCORD_EPOCH_MS) << 22n) | (1n << 17n) | this.#increment).toString();
	}
}
