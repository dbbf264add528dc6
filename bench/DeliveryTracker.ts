import type { RecordedRequest } from '../test/fakes/discord/FakeDiscord.ts';
import { CONTINUATION } from '../src/relay/ConsoleOutput.ts';
import { SEQUENCE_PATTERN } from './consoleLine.ts';

const MESSAGE_PATH = /^\/channels\/(\d+)\/messages(?:\/(\d+))?$/;
const FENCE_START = /^```ansi\n(?:\u001b\[0m)?/;
const FENCE_END = /\n```$/;
const ESCAPES = /\u001b\[[0-9;]*m/g;
const SKIPPED_MARKER = /… (\d+) lines? skipped/;
// The sustained rate starts this long into the window, past the first (often short) message.
const STEADY_SKIP_MS = 1_000;

const NOT_SEEN = 0;
const SEEN_INLINE = 1;
const SEEN_ATTACHED = 2;

export interface DeliveryCounts {
	linesIn: number;
	inline: number;
	attached: number;
	skipped: number;
	/** Lines in minus everything above: lines Discord never showed and no marker owned up to. */
	unaccounted: number;
	/** A line shown in two different messages or files. */
	duplicates: number;
	/** A line that turned up in another relay's thread. */
	misrouted: number;
	/** Relay notices (reconnects and the like) that are not console lines. */
	notices: number;
	creates: number;
	edits: number;
	/** Non-2xx answers to the bot's requests to the watched threads (429s included). */
	failedRequests: number;
	largestAttachmentBytes: number;
	/** Milliseconds from a line leaving Wings to the first accepted request that showed it. */
	latenciesMs: number[];
}

/**
 * Reads what the fake Discord accepted into relay threads, once per request and in order, and works out
 * when each emitted line first became visible (inline or in an attachment) and how many were skipped.
 */
export class DeliveryTracker {
	readonly #emittedAt: Float64Array;
	readonly #origin: Int32Array;
	readonly #seen: Uint8Array;
	readonly #location: (string | undefined)[] = [];
	readonly #threads = new Map<string, number>();
	readonly #markers = new Set<string>();
	readonly #latencies: number[] = [];
	readonly #inlineCharEvents: { at: number; chars: number }[] = [];
	#emitted = 0;
	#requestIndex: number;
	#counts = { inline: 0, attached: 0, skipped: 0, duplicates: 0, misrouted: 0, notices: 0 };
	#requests = { creates: 0, edits: 0, failed: 0, largestAttachmentBytes: 0 };

	/** `capacity` bounds the sequence numbers; requests before `fromRequest` are not read. */
	public constructor(capacity: number, fromRequest: number) {
		this.#emittedAt = new Float64Array(capacity).fill(Number.NaN);
		this.#origin = new Int32Array(capacity).fill(-1);
		this.#seen = new Uint8Array(capacity);
		this.#requestIndex = fromRequest;
	}

	public watch(threadId: string, relayIndex: number): void {
		this.#threads.set(threadId, relayIndex);
	}

	public noteEmitted(sequence: number, relayIndex: number, at: number): void {
		this.#emittedAt[sequence] = at;
		this.#origin[sequence] = relayIndex;
		this.#emitted++;
	}

	public get linesIn(): number {
		return this.#emitted;
	}

	public get accounted(): number {
		return this.#counts.inline + this.#counts.attached + this.#counts.skipped;
	}

	/** Reads the requests recorded since the last call. */
	public consume(requests: readonly RecordedRequest[]): void {
		for (; this.#requestIndex < requests.length; this.#requestIndex++) {
			const request = requests[this.#requestIndex];
			if (request) this.#read(request);
		}
	}

	/** Inline console characters (sanitised, ANSI and line breaks included, fences not) first shown in [from, to]. */
	public inlineCharsBetween(from: number, to: number): number {
		let total = 0;
		for (const event of this.#inlineCharEvents) if (event.at >= from && event.at <= to) total += event.chars;
		return total;
	}

	/**
	 * Sustained inline characters per second: what the requests after the first one a second or more into
	 * [from, to] added, over the time to the last such request. Unlike a fixed window, this does not depend on
	 * where the window's edges fall between two requests, nor on a short first message. NaN with too few requests.
	 */
	public steadyInlineCharsPerSecond(from: number, to: number): number {
		const inWindow = this.#inlineCharEvents.filter((event) => event.at >= from + STEADY_SKIP_MS && event.at <= to);
		const first = inWindow[0]?.at;
		const last = inWindow.at(-1)?.at;
		if (first === undefined || last === undefined || new Set(inWindow.map((event) => event.at)).size < 3) return Number.NaN;
		const chars = inWindow.filter((event) => event.at > first).reduce((total, event) => total + event.chars, 0);
		return chars / ((last - first) / 1_000);
	}

	public counts(): DeliveryCounts {
		return {
			linesIn: this.#emitted,
			...this.#counts,
			unaccounted: this.#emitted - this.accounted,
			creates: this.#requests.creates,
			edits: this.#requests.edits,
			failedRequests: this.#requests.failed,
			largestAttachmentBytes: this.#requests.largestAttachmentBytes,
			latenciesMs: this.#latencies,
		};
	}

	#read(request: RecordedRequest): void {
		const path = MESSAGE_PATH.exec(request.path);
		if (!path || (request.method !== 'POST' && request.method !== 'PATCH')) return;
		const relayIndex = this.#threads.get(path[1] ?? '');
		if (relayIndex === undefined) return;
		if (request.status >= 300) {
			this.#requests.failed++;
			return;
		}

		const isCreate = request.method === 'POST';
		const messageId = isCreate ? readId(request.response) : (path[2] ?? '');
		if (isCreate) this.#requests.creates++;
		else this.#requests.edits++;

		const content = readContent(request.body);
		// A line cut at the message boundary ends the content with `…` and goes on, after one, in the file.
		const remainder = request.files[0]?.data.toString('utf8', 0, 4_096).split('\n')[0] ?? '';
		if (content !== undefined && FENCE_START.test(content)) {
			const lines = content.replace(FENCE_START, '').replace(FENCE_END, '').split('\n');
			lines.forEach((raw, index) => {
				const visible = raw.replace(ESCAPES, '');
				const isCut = index === lines.length - 1 && visible.endsWith(CONTINUATION) && remainder.startsWith(CONTINUATION);
				const text = isCut ? visible.slice(0, -CONTINUATION.length) + remainder.slice(CONTINUATION.length) : visible;
				const isNew = this.#readLine(text, request.at, relayIndex, `${messageId}:${index}`, messageId, SEEN_INLINE);
				// The line as sent (colour codes included) and the line break before it.
				if (isNew) this.#inlineCharEvents.push({ at: request.at, chars: raw.length + (index > 0 ? 1 : 0) });
			});
		}
		for (const file of request.files) {
			this.#requests.largestAttachmentBytes = Math.max(this.#requests.largestAttachmentBytes, file.data.length);
			const location = `${messageId}:${file.name}`;
			file.data
				.toString('utf8')
				.split('\n')
				.forEach((line, index) => {
					if (line) this.#readLine(line, request.at, relayIndex, `${location}:${index}`, location, SEEN_ATTACHED);
				});
		}
	}

	/** Returns whether this was the line's first appearance. */
	#readLine(line: string, at: number, relayIndex: number, markerKey: string, location: string, kind: number): boolean {
		const marker = SKIPPED_MARKER.exec(line);
		if (marker) {
			if (!this.#markers.has(markerKey)) {
				this.#markers.add(markerKey);
				this.#counts.skipped += Number(marker[1]);
			}
			return false;
		}
		// The remainder of a line cut at a message boundary: the line was counted where it started.
		if (line.startsWith(CONTINUATION)) return false;
		const sequence = Number(SEQUENCE_PATTERN.exec(line)?.[1] ?? Number.NaN);
		const emittedAt = Number.isInteger(sequence) ? this.#emittedAt[sequence] : undefined;
		if (emittedAt === undefined || Number.isNaN(emittedAt)) {
			if (!this.#markers.has(markerKey)) {
				this.#markers.add(markerKey);
				this.#counts.notices++;
			}
			return false;
		}
		if (this.#seen[sequence] !== NOT_SEEN) {
			const duplicateKey = `duplicate:${location}:${sequence}`;
			if (this.#location[sequence] !== location && !this.#markers.has(duplicateKey)) {
				this.#markers.add(duplicateKey);
				this.#counts.duplicates++;
			}
			return false;
		}
		this.#seen[sequence] = kind;
		this.#location[sequence] = location;
		if (this.#origin[sequence] !== relayIndex) this.#counts.misrouted++;
		if (kind === SEEN_INLINE) this.#counts.inline++;
		else this.#counts.attached++;
		this.#latencies.push(at - emittedAt);
		return true;
	}
}

function readId(response: unknown): string {
	return typeof response === 'object' && response !== null && 'id' in response && typeof response.id === 'string'
		? response.id
		: '';
}

function readContent(body: unknown): string | undefined {
	return typeof body === 'object' && body !== null && 'content' in body && typeof body.content === 'string'
		? body.content
		: undefined;
}
