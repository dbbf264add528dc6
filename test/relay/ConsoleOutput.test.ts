import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ConsoleOutput, MAX_PENDING_CHARS, type OutgoingFile, type RelayTransport } from '../../src/relay/ConsoleOutput.ts';
import { CHANNEL_OP_INTERVAL_MS, ChannelPacer, GlobalPacer } from '../../src/relay/RelayPacer.ts';
import { MESSAGE_LIMIT } from '../../src/relay/sanitize.ts';
import { joinContinuations } from '../e2e/threadContent.ts';

// A full message is topped up by cutting the next line, so it ends at most this far from the limit.
const MIN_SPLIT_MARGIN = 40;

interface Sent {
	kind: 'create' | 'edit';
	at: number;
	messageId: string;
	content: string;
	files: readonly OutgoingFile[];
}

function recordingTransport() {
	const sent: Sent[] = [];
	let next = 1;
	const transport: RelayTransport = {
		async create({ content, files }) {
			const messageId = String(next++);
			sent.push({ kind: 'create', at: performance.now(), messageId, content, files });
			return messageId;
		},
		async edit(messageId, content) {
			sent.push({ kind: 'edit', at: performance.now(), messageId, content, files: [] });
		},
	};
	return { sent, transport };
}

/** What a reader sees, in order: each message's final content, then its attachment. */
const visibleLines = (sent: readonly Sent[]): string[] => {
	const messages = new Map<string, { content: string; attached: string[] }>();
	for (const request of sent) {
		const attached = request.files.flatMap((file) => file.data.toString('utf8').split('\n').filter(Boolean));
		const previous = messages.get(request.messageId);
		messages.set(request.messageId, { content: request.content, attached: previous?.attached ?? attached });
	}
	return joinContinuations(
		[...messages.values()].flatMap(({ content, attached }) => [
			...content.replace(/^```ansi\n\u001b\[0m/, '').replace(/\n```$/, '').split('\n'),
			...attached,
		]),
	);
};

beforeEach(() => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] });
});
afterEach(() => {
	vi.useRealTimers();
});

describe('ConsoleOutput', () => {
	test('batches a burst into one message and appends later lines by editing it', async () => {
		const { sent, transport } = recordingTransport();
		const output = new ConsoleOutput({ transport, globalPacer: new GlobalPacer() });
		for (let index = 0; index < 5; index++) output.push(`line ${index}`);
		await vi.advanceTimersByTimeAsync(100);
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ kind: 'create' });
		expect(sent[0]?.content).toContain('line 0\nline 1\nline 2\nline 3\nline 4');

		output.push('later');
		await vi.advanceTimersByTimeAsync(200);
		expect(sent[1]).toMatchObject({ kind: 'edit', messageId: sent[0]?.messageId });
		expect(sent[1]?.content).toContain('line 4\nlater');
	});

	test('never sends more than one create and one edit per channel interval', async () => {
		const { sent, transport } = recordingTransport();
		const output = new ConsoleOutput({ transport, globalPacer: new GlobalPacer() });
		for (let second = 0; second < 20; second++) {
			for (let index = 0; index < 10; index++) {
				output.push(`[12:00:${second}] line ${second}-${index} ${'x'.repeat(100)}`);
				await vi.advanceTimersByTimeAsync(100);
			}
		}
		await vi.advanceTimersByTimeAsync(5_000);
		for (const kind of ['create', 'edit'] as const) {
			const times = sent.filter((request) => request.kind === kind).map((request) => request.at);
			for (let index = 1; index < times.length; index++) {
				expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(CHANNEL_OP_INTERVAL_MS);
			}
		}
		expect(visibleLines(sent)).toHaveLength(200);
		expect(output.counters).toMatchObject({ linesIn: 200, linesInline: 200, linesAttached: 0, linesSkipped: 0 });
		for (const request of sent) expect(request.content.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
	});

	test('a flood fills messages and attaches the surplus, losing nothing', async () => {
		const { sent, transport } = recordingTransport();
		const output = new ConsoleOutput({ transport, globalPacer: new GlobalPacer() });
		const lines = Array.from({ length: 20_000 }, (_, index) => `flood line ${index} ${'y'.repeat(60)}`);
		for (let index = 0; index < lines.length; index++) {
			output.push(lines[index] ?? '');
			if (index % 2_000 === 1_999) await vi.advanceTimersByTimeAsync(100);
		}
		await vi.advanceTimersByTimeAsync(10_000);
		expect(visibleLines(sent)).toEqual(lines);
		expect(output.counters.linesSkipped).toBe(0);
		expect(output.counters.linesAttached).toBeGreaterThan(0);
		expect(output.counters.linesInline + output.counters.linesAttached).toBe(lines.length);
		const creates = sent.filter((request) => request.kind === 'create' && request.files.length > 0);
		expect(creates.length).toBeGreaterThan(0);
		expect(creates.every((request) => request.content.length > MESSAGE_LIMIT - MIN_SPLIT_MARGIN)).toBe(true);
	});

	test('past the memory bound the oldest lines become one visible skipped marker', async () => {
		const { sent, transport } = recordingTransport();
		const output = new ConsoleOutput({ transport, globalPacer: new GlobalPacer() });
		const line = 'z'.repeat(1_000);
		const count = Math.ceil((MAX_PENDING_CHARS * 1.5) / line.length);
		for (let index = 0; index < count; index++) output.push(`${index} ${line}`);
		expect(output.pendingChars).toBeLessThanOrEqual(MAX_PENDING_CHARS);
		await vi.advanceTimersByTimeAsync(10_000);

		const { linesInline, linesAttached, linesSkipped, linesIn } = output.counters;
		expect(linesSkipped).toBeGreaterThan(0);
		expect(linesInline + linesAttached + linesSkipped).toBe(linesIn);
		expect(visibleLines(sent).some((text) => text.includes(`${linesSkipped} lines skipped`))).toBe(true);
	});

	test('breakMessage makes the next output a new message', async () => {
		const { sent, transport } = recordingTransport();
		const output = new ConsoleOutput({ transport, globalPacer: new GlobalPacer() });
		output.push('before');
		await vi.advanceTimersByTimeAsync(2_000);
		output.breakMessage();
		output.push('after');
		await vi.advanceTimersByTimeAsync(2_000);
		expect(sent.map((request) => request.kind)).toEqual(['create', 'create']);
	});

	test('a due header takes the next edit slot', async () => {
		const { sent, transport } = recordingTransport();
		let due = true;
		const writes: number[] = [];
		const output = new ConsoleOutput({
			transport,
			globalPacer: new GlobalPacer(),
			header: {
				isDue: () => due,
				write: async () => {
					writes.push(performance.now());
					due = false;
				},
			},
		});
		output.wake();
		await vi.advanceTimersByTimeAsync(50);
		expect(writes).toHaveLength(1);
		expect(sent).toHaveLength(0);
	});
});

describe('ChannelPacer', () => {
	test('spaces each lane and waits for the reset of a bucket Discord reports exhausted', () => {
		let now = 1_000;
		const pacer = new ChannelPacer({ now: () => now });
		pacer.spend('create');
		expect(pacer.readyAt('create')).toBe(1_000 + CHANNEL_OP_INTERVAL_MS);
		expect(pacer.isReady('edit')).toBe(true);
		pacer.observe('edit', 3, 4_000);
		expect(pacer.isReady('edit')).toBe(true);
		pacer.observe('edit', 0, 4_000);
		expect(pacer.readyAt('edit')).toBe(5_000);
		now = 5_000;
		expect(pacer.isReady('edit')).toBe(true);
	});
});
