import { blockLength, FENCE_CLOSE, FENCE_OPEN, MESSAGE_LIMIT, renderBlock, sanitizeLine, toPlainText } from './sanitize.ts';
import { ChannelPacer, type Clock, type GlobalPacer, type Lane } from './RelayPacer.ts';

// Lines wait this long for company before a request goes out: a burst becomes one edit, not many.
const COALESCE_MS = 40;
// A relay never holds more than this many characters of unsent output; past it the oldest are skipped.
export const MAX_PENDING_CHARS = 4_000_000;
// Output beyond one more message's worth goes into an attachment instead of waiting for its turn.
const ATTACH_AFTER_CHARS = MESSAGE_LIMIT;
// A full message is topped up with the start of the next line when at least this much room is left.
const MIN_SPLIT_ROOM = 32;
// Ends a line cut at a message boundary, and starts its remainder.
export const CONTINUATION = '…';
const MAX_LINE_LENGTH = MESSAGE_LIMIT - FENCE_OPEN.length - FENCE_CLOSE.length;

export interface OutgoingFile {
	readonly name: string;
	readonly data: Buffer;
}

/** How the relay reaches its thread; the implementation owns retries and rate-limit headers. */
export interface RelayTransport {
	create(message: { content: string; files: readonly OutgoingFile[] }): Promise<string>;
	edit(messageId: string, content: string): Promise<void>;
}

export interface OutputCounters {
	linesIn: number;
	linesInline: number;
	linesAttached: number;
	linesSkipped: number;
	inlineChars: number;
	creates: number;
	edits: number;
	failures: number;
}

export interface HeaderWriter {
	isDue(): boolean;
	write(): Promise<void>;
}

interface PendingLine {
	readonly text: string;
	/** Set on a marker standing for lines that were dropped. */
	readonly skipped?: number;
	/** The remainder of a line already counted where its start was shown. */
	readonly continued?: true;
}

interface CurrentMessage {
	readonly id: string;
	readonly lines: string[];
}

export interface ConsoleOutputOptions {
	readonly transport: RelayTransport;
	readonly globalPacer: GlobalPacer;
	readonly clock?: Clock;
	readonly onError?: (error: unknown) => void;
	/** Another writer (the header message) that shares the channel's edit lane and goes first when due. */
	readonly header?: HeaderWriter;
}

/**
 * Turns console lines into as few Discord requests as keep latency low: append to the newest message
 * by editing it while it has room, start a new one when it is full, and when output outruns what a
 * channel can carry inline, attach the surplus as a .txt file. Memory is bounded by MAX_PENDING_CHARS.
 */
export class ConsoleOutput {
	public readonly counters: OutputCounters = {
		linesIn: 0,
		linesInline: 0,
		linesAttached: 0,
		linesSkipped: 0,
		inlineChars: 0,
		creates: 0,
		edits: 0,
		failures: 0,
	};

	readonly #transport: RelayTransport;
	readonly #globalPacer: GlobalPacer;
	readonly #pacer: ChannelPacer;
	readonly #clock: Clock;
	readonly #onError: (error: unknown) => void;
	readonly #header: HeaderWriter | undefined;
	#pending: PendingLine[] = [];
	#pendingHead = 0;
	#pendingChars = 0;
	#firstPendingAt = 0;
	#current: CurrentMessage | undefined;
	#busy = false;
	#timer: NodeJS.Timeout | undefined;
	#closed = false;
	#idleWaiters: (() => void)[] = [];

	public constructor(options: ConsoleOutputOptions) {
		this.#transport = options.transport;
		this.#globalPacer = options.globalPacer;
		this.#clock = options.clock ?? performance;
		this.#pacer = new ChannelPacer(this.#clock);
		this.#onError = options.onError ?? (() => undefined);
		this.#header = options.header;
	}

	/** Queues one raw console line (ANSI and all); it is sanitised here. */
	public push(raw: string): void {
		if (this.#closed) return;
		// A line of nothing but control codes sanitises to no line at all, and is not shown.
		const lines = sanitizeLine(raw);
		for (const text of lines) this.#enqueue({ text });
		this.counters.linesIn += lines.length;
		this.#enforceBound();
		this.#schedule();
	}

	/** The next output starts a fresh message, e.g. after someone typed into the thread. */
	public breakMessage(): void {
		this.#current = undefined;
	}

	/** Feeds the rate-limit headers of one of this relay's requests back into its pacing. */
	public observeRateLimit(lane: Lane, remaining: number, resetAfterMs: number): void {
		this.#pacer.observe(lane, remaining, resetAfterMs);
	}

	/** Call when the header became due, so it is written at the next free edit slot. */
	public wake(): void {
		this.#schedule();
	}

	public get pendingChars(): number {
		return this.#pendingChars;
	}

	/** Resolves once everything queued so far has been sent (or failed). */
	public async drain(): Promise<void> {
		if (!this.#busy && this.#pendingCount() === 0) return;
		await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
	}

	public close(): void {
		this.#closed = true;
		clearTimeout(this.#timer);
		this.#timer = undefined;
		this.#pending = [];
		this.#pendingHead = 0;
		this.#pendingChars = 0;
		this.#notifyIdle();
	}

	#enqueue(line: PendingLine): void {
		if (this.#pendingCount() === 0) this.#firstPendingAt = this.#clock.now();
		this.#pending.push(line);
		this.#pendingChars += line.text.length + 1;
	}

	#pendingCount(): number {
		return this.#pending.length - this.#pendingHead;
	}

	#peek(): PendingLine | undefined {
		return this.#pending[this.#pendingHead];
	}

	#shift(): PendingLine | undefined {
		const line = this.#pending[this.#pendingHead];
		if (!line) return undefined;
		this.#pendingHead++;
		this.#pendingChars -= line.text.length + 1;
		// Compact now and then so the array does not grow without bound under a flood.
		if (this.#pendingHead > 4_096 && this.#pendingHead * 2 > this.#pending.length) {
			this.#pending = this.#pending.slice(this.#pendingHead);
			this.#pendingHead = 0;
		}
		return line;
	}

	/** Drops the oldest waiting lines into one visible "skipped" marker until the bound holds. */
	#enforceBound(): void {
		if (this.#pendingChars <= MAX_PENDING_CHARS) return;
		let dropped = 0;
		let alreadyCounted = 0;
		while (this.#pendingChars > MAX_PENDING_CHARS * 0.9) {
			const line = this.#shift();
			if (!line) break;
			if (line.skipped === undefined) dropped++;
			else alreadyCounted += line.skipped;
		}
		this.counters.linesSkipped += dropped;
		const marker: PendingLine = { text: skippedMarker(dropped + alreadyCounted), skipped: dropped + alreadyCounted };
		this.#pending.splice(this.#pendingHead, 0, marker);
		this.#pendingChars += marker.text.length + 1;
	}

	#schedule(): void {
		if (this.#busy || this.#timer || this.#closed) return;
		const hasOutput = this.#pendingCount() > 0;
		if (!hasOutput && !this.#header?.isDue()) {
			this.#notifyIdle();
			return;
		}

		const now = this.#clock.now();
		const coalesceUntil = hasOutput ? this.#firstPendingAt + COALESCE_MS : now;
		const lane = this.#nextLane();
		const at = Math.max(coalesceUntil, this.#pacer.readyAt(lane));
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#run().catch((error: unknown) => this.#onError(error));
		}, Math.max(0, at - now));
	}

	/** Editing appends to the newest message while it has room; otherwise a new message is needed. */
	#nextLane(): Lane {
		const first = this.#peek();
		if (!first || this.#header?.isDue()) return 'edit';
		if (!this.#current || !this.#fits(this.#current.lines, first.text)) return 'create';
		// Saturated: filling the open message first keeps inline output dense.
		if (this.#pendingChars > ATTACH_AFTER_CHARS) return 'edit';
		const editAt = this.#pacer.readyAt('edit');
		const createAt = this.#pacer.readyAt('create');
		return createAt < editAt ? 'create' : 'edit';
	}

	async #run(): Promise<void> {
		this.#busy = true;
		try {
			const lane = this.#nextLane();
			if (!this.#pacer.isReady(lane)) return;
			await this.#globalPacer.acquire();
			if (this.#closed) return;
			this.#pacer.spend(lane);

			if (lane === 'edit' && this.#header?.isDue()) {
				await this.#header.write();
			} else if (lane === 'edit') {
				if (this.#current && this.#pendingCount() > 0) await this.#append(this.#current);
			} else {
				await this.#createMessage();
			}
		} catch (error) {
			this.counters.failures++;
			this.#onError(error);
		} finally {
			this.#busy = false;
			this.#schedule();
		}
	}

	async #append(current: CurrentMessage): Promise<void> {
		const taken = this.#takeFitting(current.lines);
		if (taken.length === 0) return;
		const lines = [...current.lines, ...taken.map((line) => line.text)];
		await this.#transport.edit(current.id, renderBlock(lines));
		current.lines.splice(0, current.lines.length, ...lines);
		this.counters.edits++;
		this.#countInline(taken);
	}

	async #createMessage(): Promise<void> {
		const taken = this.#takeFitting([]);
		// Only when an attachment surely follows, so a cut line goes on in the same message's file.
		if (this.#pendingChars > ATTACH_AFTER_CHARS + MAX_LINE_LENGTH) this.#splitBoundaryLine(taken);
		const attached = this.#pendingChars > ATTACH_AFTER_CHARS ? this.#takeAll() : [];
		const files = attached.length > 0 ? [attachmentFor(attached, this.counters.creates)] : [];
		const lines = taken.map((line) => line.text);
		const id = await this.#transport.create({ content: renderBlock(lines), files });
		this.counters.creates++;
		this.#countInline(taken);
		for (const line of attached) {
			if (line.skipped === undefined && !line.continued) this.counters.linesAttached++;
		}
		// A message followed by an attachment is closed: appending to it would put lines out of order.
		this.#current = attached.length > 0 ? undefined : { id, lines };
	}

	#takeFitting(existing: readonly string[]): PendingLine[] {
		const taken: PendingLine[] = [];
		let length = blockLength(existing);
		for (let line = this.#peek(); line; line = this.#peek()) {
			const added = existing.length + taken.length === 0 ? line.text.length : line.text.length + 1;
			if (length + added > MESSAGE_LIMIT) break;
			length += added;
			taken.push(line);
			this.#shift();
		}
		return taken;
	}

	/**
	 * Under a flood every message should carry a full 2,000 characters: the line that does not fit is
	 * cut, its start ends this message and its remainder leads the attachment, both marked with `…`.
	 */
	#splitBoundaryLine(taken: PendingLine[]): void {
		const head = this.#peek();
		if (!head || head.skipped !== undefined) return;
		const used = taken.length === 0 ? blockLength([]) : blockLength(taken.map((line) => line.text)) + 1;
		const room = MESSAGE_LIMIT - used - CONTINUATION.length;
		if (room < MIN_SPLIT_ROOM) return;
		const [start, ...rest] = sanitizeLine(head.text, { firstLineLength: room, maxLineLength: MAX_LINE_LENGTH - 1 });
		if (start === undefined || rest.length === 0) return;

		this.#shift();
		taken.push({ ...head, text: start + CONTINUATION });
		const remainder = rest.map((text, index): PendingLine => ({ text: index === 0 ? CONTINUATION + text : text, continued: true }));
		this.#pending.splice(this.#pendingHead, 0, ...remainder);
		for (const line of remainder) this.#pendingChars += line.text.length + 1;
	}

	#takeAll(): PendingLine[] {
		const taken = this.#pending.slice(this.#pendingHead);
		this.#pending = [];
		this.#pendingHead = 0;
		this.#pendingChars = 0;
		return taken;
	}

	#fits(lines: readonly string[], text: string): boolean {
		return blockLength([...lines, text]) <= MESSAGE_LIMIT;
	}

	#countInline(lines: readonly PendingLine[]): void {
		for (const line of lines) {
			if (line.skipped !== undefined) continue;
			if (!line.continued) this.counters.linesInline++;
			this.counters.inlineChars += line.text.length;
		}
	}

	#notifyIdle(): void {
		const waiters = this.#idleWaiters;
		this.#idleWaiters = [];
		for (const resolve of waiters) resolve();
	}
}

function skippedMarker(count: number): string {
	return `[Wingman] … ${count} line${count === 1 ? '' : 's'} skipped: the console produced more than Discord can carry …`;
}

/** Written straight into one buffer: a flood's attachment is megabytes, and one big string would double it. */
function attachmentFor(lines: readonly PendingLine[], sequence: number): OutgoingFile {
	const parts = lines.map((line) => toPlainText([line.text]));
	const data = Buffer.allocUnsafe(parts.reduce((total, part) => total + Buffer.byteLength(part), 0));
	let offset = 0;
	for (const part of parts) offset += data.write(part, offset);
	return { name: `console-${sequence + 1}.txt`, data };
}
