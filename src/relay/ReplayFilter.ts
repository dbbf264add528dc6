const TAIL_SIZE = 400;

/**
 * After a reconnect, Wings' `send logs` replays the last lines of the console, most of which the
 * thread already shows. Lines are held while they could still be that replay (a run that matches the
 * end of what was relayed); once the run reaches the end it is dropped as a duplicate, and as soon as
 * it stops matching, the held lines are released as new output.
 */
export class ReplayFilter {
	#tail: string[] = [];
	#held: string[] = [];
	/** Positions in #tail where the held run could have started. */
	#candidates: number[] | undefined;

	public constructor(initialTail: readonly string[] = []) {
		for (const line of initialTail) this.#remember(line);
	}

	/** The last relayed lines, to persist across a restart. */
	public tail(count: number): string[] {
		return this.#tail.slice(-count);
	}

	public beginReplay(): void {
		this.#candidates = this.#tail.length > 0 ? [] : undefined;
		this.#held = [];
	}

	/** Lines to relay now, in order (possibly lines held earlier, then this one). */
	public accept(line: string): string[] {
		const key = line.trim();
		if (this.#candidates === undefined) {
			this.#remember(key);
			return [line];
		}

		const next =
			this.#held.length === 0
				? this.#tail.flatMap((tailLine, index) => (tailLine === key ? [index] : []))
				: this.#candidates.filter((start) => this.#tail[start + this.#held.length] === key);
		if (next.length === 0) return this.#release([line]);

		this.#held.push(line);
		// Every earlier line matched, and this one is the newest line relayed: the whole run was a replay.
		if (next.some((start) => start + this.#held.length === this.#tail.length)) {
			this.#candidates = undefined;
			this.#held = [];
			return [];
		}
		this.#candidates = next;
		return [];
	}

	/** Gives up waiting (no more replay is coming) and returns whatever was held. */
	public endReplay(): string[] {
		if (this.#candidates === undefined) return [];
		return this.#release([]);
	}

	#release(extra: string[]): string[] {
		const released = [...this.#held, ...extra];
		this.#held = [];
		this.#candidates = undefined;
		for (const line of released) this.#remember(line.trim());
		return released;
	}

	#remember(key: string): void {
		this.#tail.push(key);
		if (this.#tail.length > TAIL_SIZE * 2) this.#tail = this.#tail.slice(-TAIL_SIZE);
	}
}
