// The bot under measurement, alone in its own process: the fakes and the load driver live in the parent,
// so the memory and CPU figures are the bot's. Its configuration arrives over IPC, not the environment.
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { startBot, type Bot } from '../src/bot.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { ChildMessage, ParentMessage, ProcessStats } from './ipc.ts';

const SAMPLE_INTERVAL_MS = 100;

let bot: Bot | undefined;
let peakRss = process.memoryUsage.rss();
let atPeak: NodeJS.MemoryUsage = process.memoryUsage();

const sampler = setInterval(() => {
	const usage = process.memoryUsage();
	if (usage.rss > peakRss) {
		peakRss = usage.rss;
		atPeak = usage;
	}
}, SAMPLE_INTERVAL_MS);
sampler.unref();

function send(message: ChildMessage): void {
	process.send?.(message);
}

function stats(): ProcessStats {
	const usage = process.memoryUsage();
	if (usage.rss > peakRss) {
		peakRss = usage.rss;
		atPeak = usage;
	}
	const cpu = process.cpuUsage();
	return {
		rss: usage.rss,
		peakRss,
		atPeak: {
			heapTotal: atPeak.heapTotal,
			heapUsed: atPeak.heapUsed,
			external: atPeak.external,
			arrayBuffers: atPeak.arrayBuffers,
		},
		kernelMaxRss: process.resourceUsage().maxRSS * 1_024,
		heapUsed: usage.heapUsed,
		cpuMicros: cpu.user + cpu.system,
		at: performance.now(),
	};
}

async function handle(message: ParentMessage): Promise<void> {
	switch (message.type) {
		case 'start': {
			const startedAt = performance.now();
			bot = await startBot(loadConfig(message.env), createLogger(message.env.LOG_LEVEL ?? 'warn'));
			const readyAt = performance.now();
			send({ type: 'ready', startBotMs: readyAt - startedAt, sinceProcessStartMs: readyAt, stats: stats() });
			return;
		}
		case 'stats':
			if (message.resetPeak) {
				atPeak = process.memoryUsage();
				peakRss = atPeak.rss;
			}
			send({ type: 'stats', id: message.id, stats: stats() });
			return;
		case 'counters': {
			const counters = message.threadIds.map((threadId) => bot?.deps.relays.get(threadId)?.counters ?? null);
			send({ type: 'counters', id: message.id, counters: counters.map((counter) => (counter ? { ...counter } : null)) });
			return;
		}
		case 'heap': {
			// For investigating memory: the size of each V8 heap space, and optionally a heap snapshot.
			if (message.snapshotPath) writeHeapSnapshot(message.snapshotPath);
			const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]));
			send({ type: 'heap', id: message.id, spaces });
			return;
		}
		case 'stop':
			await bot?.stop();
			send({ type: 'stopped' });
			process.exit(0);
	}
}

process.on('message', (message: ParentMessage) => {
	handle(message).catch((error: unknown) => {
		send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
		process.exit(1);
	});
});
process.on('disconnect', () => process.exit(0));
