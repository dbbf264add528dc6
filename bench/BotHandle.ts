import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OutputCounters } from '../src/relay/ConsoleOutput.ts';
import type { ChildMessage, ParentMessage, ProcessStats } from './ipc.ts';

// The bot runs as `npm start` runs it: compiled JavaScript on plain Node, without tsx's loader.
const BOT_PROCESS = fileURLToPath(new URL('../dist/bench/bench/botProcess.js', import.meta.url));
const BENCH_BUILD = fileURLToPath(new URL('./tsconfig.json', import.meta.url));
const TSC = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

/** The Node flags `npm start` gives the bot, read from package.json so the bench measures the same thing. */
const START_FLAGS: readonly string[] = startFlags(
	(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start,
);

function startFlags(script: string): string[] {
	return script
		.split(/\s+/)
		.filter((word) => word.startsWith('--') && !word.startsWith('--env-file'));
}

/** Compiles the bot and its bench entry point once per run. */
export function buildBot(): void {
	execFileSync(process.execPath, [TSC, '-p', BENCH_BUILD], { stdio: 'inherit' });
}
const READY_TIMEOUT_MS = 60_000;
const REPLY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const MAX_LOG_ENTRIES = 10_000;

export interface StartupTimes {
	/** From spawning the process to the bot being logged in and ready (module loading included). */
	readonly spawnToReadyMs: number;
	/** `startBot()` alone: store, commands, gateway login, command registration. */
	readonly startBotMs: number;
	readonly stats: ProcessStats;
}

export interface BotLaunchOptions {
	/** Turns on `--cpu-prof` in the bot process; the profile is written there when it exits. */
	readonly profileDirectory?: string;
	/** Extra Node flags for the bot process, e.g. `--max-semi-space-size=4`. */
	readonly nodeFlags?: readonly string[];
}

export interface LogEntry {
	/** The parent's `performance.now()` when the line arrived. */
	readonly at: number;
	readonly level: number;
	readonly text: string;
	/** Logged after the bench asked the bot to stop. */
	readonly isShutdown: boolean;
}

export interface BotLog {
	/** Warn-or-worse lines, the first MAX_LOG_ENTRIES of them. */
	readonly entries: LogEntry[];
	isStopping: boolean;
}

export interface LogSummary {
	readonly warn: number;
	readonly error: number;
	readonly first?: string;
}

/** Warnings and errors logged in [from, to], leaving out the bot's own shutdown. */
export function summarizeLog(log: BotLog, from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): LogSummary {
	const entries = log.entries.filter((entry) => !entry.isShutdown && entry.at >= from && entry.at <= to);
	return {
		warn: entries.filter((entry) => entry.level < 50).length,
		error: entries.filter((entry) => entry.level >= 50).length,
		...(entries[0] ? { first: describeEntry(entries[0].text) } : {}),
	};
}

/** `message (error message)` from a pino line; the raw text, shortened, from anything else. */
function describeEntry(text: string): string {
	try {
		const line = JSON.parse(text) as { msg?: unknown; err?: { message?: unknown } };
		const error = typeof line.err?.message === 'string' ? ` (${line.err.message})` : '';
		return `${String(line.msg)}${error}`.slice(0, 300);
	} catch {
		return text.slice(0, 300);
	}
}

/** The parent's side of a bot running in its own Node process (the compiled `bench/botProcess.ts`). */
export class BotHandle {
	public readonly startup: StartupTimes;
	public readonly log: BotLog;
	readonly #child: ChildProcess;
	readonly #waiting = new Map<number, (message: ChildMessage) => void>();
	#nextId = 1;

	private constructor(child: ChildProcess, startup: StartupTimes, log: BotLog) {
		this.#child = child;
		this.startup = startup;
		this.log = log;
		child.on('message', (message: ChildMessage) => {
			if (message.type !== 'stats' && message.type !== 'counters' && message.type !== 'heap') return;
			this.#waiting.get(message.id)?.(message);
			this.#waiting.delete(message.id);
		});
	}

	public static async start(env: Readonly<Record<string, string>>, options: BotLaunchOptions = {}): Promise<BotHandle> {
		const profile = options.profileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDirectory}`] : [];
		const spawnedAt = performance.now();
		const child = fork(BOT_PROCESS, [], {
			execArgv: [...START_FLAGS, ...profile, ...(options.nodeFlags ?? [])],
			stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
		});
		const log: BotLog = { entries: [], isStopping: false };
		collectLog(child, log);

		const ready = await new Promise<Extract<ChildMessage, { type: 'ready' }>>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('the bot did not become ready within 60 s')), READY_TIMEOUT_MS);
			child.on('message', (message: ChildMessage) => {
				if (message.type === 'ready') {
					clearTimeout(timer);
					resolve(message);
				} else if (message.type === 'failed') {
					clearTimeout(timer);
					reject(new Error(`the bot failed to start:\n${message.error}`));
				}
			});
			child.once('exit', (code) => {
				clearTimeout(timer);
				reject(new Error(`the bot process exited with ${code} before it was ready; log: ${summarizeLog(log).first ?? ''}`));
			});
			child.send({ type: 'start', env } satisfies ParentMessage);
		});
		const startup = { spawnToReadyMs: performance.now() - spawnedAt, startBotMs: ready.startBotMs, stats: ready.stats };
		return new BotHandle(child, startup, log);
	}

	/** RSS, peak RSS and CPU time now; `resetPeak` starts a new peak window. */
	public async stats(resetPeak = false): Promise<ProcessStats> {
		const reply = await this.#ask({ type: 'stats', id: this.#nextId++, resetPeak });
		if (reply.type !== 'stats') throw new Error('unexpected reply');
		return reply.stats;
	}

	/** The bot's own relay counters, for cross-checking what Discord received. */
	public async counters(threadIds: readonly string[]): Promise<readonly (OutputCounters | null)[]> {
		const reply = await this.#ask({ type: 'counters', id: this.#nextId++, threadIds });
		if (reply.type !== 'counters') throw new Error('unexpected reply');
		return reply.counters;
	}

	/** Size of each V8 heap space (bytes), after writing a heap snapshot to `snapshotPath` if given. */
	public async heap(snapshotPath?: string): Promise<Readonly<Record<string, number>>> {
		const reply = await this.#ask({ type: 'heap', id: this.#nextId++, snapshotPath });
		if (reply.type !== 'heap') throw new Error('unexpected reply');
		return reply.spaces;
	}

	public async stop(): Promise<void> {
		const child = this.#child;
		if (child.exitCode !== null) return;
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		this.log.isStopping = true;
		child.send({ type: 'stop' } satisfies ParentMessage);
		const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
		await exited;
		clearTimeout(timer);
	}

	#ask(message: Extract<ParentMessage, { id: number }>): Promise<ChildMessage> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`the bot did not answer ${message.type}`)), REPLY_TIMEOUT_MS);
			this.#waiting.set(message.id, (reply) => {
				clearTimeout(timer);
				resolve(reply);
			});
			this.#child.send(message);
		});
	}
}

function collectLog(child: ChildProcess, log: BotLog): void {
	let pending = '';
	const read = (chunk: Buffer): void => {
		pending += chunk.toString('utf8');
		const lines = pending.split('\n');
		pending = lines.pop() ?? '';
		for (const text of lines) {
			if (!text.trim()) continue;
			// Anything that is not a pino line (a crash trace on stderr) counts as an error.
			const level = Number(/"level":(\d+)/.exec(text)?.[1] ?? 60);
			if (level < 40 || log.entries.length >= MAX_LOG_ENTRIES) continue;
			log.entries.push({ at: performance.now(), level, text, isShutdown: log.isStopping });
		}
	};
	child.stdout?.on('data', read);
	child.stderr?.on('data', read);
}
