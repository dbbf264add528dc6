const TAIL_SIZE = 400;
// Wings replays 150 lines by default; a window holding more than this is cut short.
const MAX_WINDOW_LINES = 2_000;

/**
 * De-duplicates the history Wings replays after every (re)connect. Lines arriving between the connect
 * and the end of the replay (Wings answers a `ping` sent right after `send logs` once the replay is
 * out) are held as one window W. W is L + R: live lines L that beat the replay, then the replay R,
 * which ends with L and starts with lines the thread may already show. Of W, only the part of R after
 * its overlap with what was relayed before is new.
 */
export class ReplayFilter {
	#tail: string[] = [];
	#window: string[] | undefined;

	public constructor(initialTail: readonly string[] = []) {
		for (const line of initialTail) this.#remember(line);
	}

	/** The last relayed lines, to persist across a restart. */
	public tail(count: number): string[] {
		return this.#tail.slice(-count);
	}

	public get isCollecting(): boolean {
		return this.#window !== undefined;
	}

	public beginReplay(): void {
		this.#window = [];
	}

	/** Lines to relay now: the line itself, or nothing while a replay window is open. */
	public accept(line: string): string[] {
		if (!this.#window) {
			this.#remember(line);
			return [line];
		}
		this.#window.push(line);
		return this.#window.length >= MAX_WINDOW_LINES ? this.endReplay() : [];
	}

	/** Closes the window and returns its new lines, in order. */
	public endReplay(): string[] {
		const window = this.#window ?? [];
		this.#window = undefined;
		const fresh = window.slice(newLinesStart(window.map((line) => line.trim()), this.#tail));
		for (const line of fresh) this.#remember(line);
		return fresh;
	}

	#remember(line: string): void {
		this.#tail.push(line.trim());
		if (this.#tail.length > TAIL_SIZE * 2) this.#tail = this.#tail.slice(-TAIL_SIZE);
	}
}

/**
 * Index in `window` where new output starts. Tries every split W = L + R with R ending in L, takes the
 * longest prefix of R already at the end of `tail`, and keeps the split that explains most of W.
 */
function newLinesStart(window: readonly string[], tail: readonly string[]): number {
	let best = { explained: -1, start: 0 };
	// Each split costs a pass over the tail; only short live runs are plausible before a replay.
	for (let live = 0; live * 2 <= window.length; live++) {
		if (!sameRun(window, 0, window.length - live, live)) continue;
		const overlap = longestPrefixAtEnd(window.slice(live), tail);
		// R = (lines already shown) + (lines missed) + L: what follows the overlap is new, L included.
		if (overlap + live > best.explained) best = { explained: overlap + live, start: live + overlap };
	}
	return Math.min(best.start, window.length);
}

function sameRun(lines: readonly string[], first: number, second: number, length: number): boolean {
	for (let index = 0; index < length; index++) if (lines[first + index] !== lines[second + index]) return false;
	return true;
}

/** Length of the longest prefix of `pattern` that is a suffix of `text` (KMP over text). */
function longestPrefixAtEnd(pattern: readonly string[], text: readonly string[]): number {
	if (pattern.length === 0) return 0;
	const failure = new Array<number>(pattern.length).fill(0);
	for (let index = 1, matched = 0; index < pattern.length; index++) {
		while (matched > 0 && pattern[index] !== pattern[matched]) matched = failure[matched - 1] ?? 0;
		if (pattern[index] === pattern[matched]) matched++;
		failure[index] = matched;
	}
	let matched = 0;
	for (const line of text) {
		while (matched > 0 && (matched === pattern.length || line !== pattern[matched])) matched = failure[matched - 1] ?? 0;
		if (line === pattern[matched]) matched++;
	}
	return matched;
}
