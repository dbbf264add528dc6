import type { OutputCounters } from '../src/relay/ConsoleOutput.ts';

export interface ProcessStats {
	readonly rss: number;
	/** Highest RSS seen by the child's 100 ms sampler since the last reset. */
	readonly peakRss: number;
	/** The V8 heap and buffers when that peak was sampled: what the rest of RSS is not. */
	readonly atPeak: {
		readonly heapTotal: number;
		readonly heapUsed: number;
		readonly external: number;
		readonly arrayBuffers: number;
	};
	/** The kernel's high-water mark for the whole process lifetime. */
	readonly kernelMaxRss: number;
	readonly heapUsed: number;
	/** User + system CPU time since the process started. */
	readonly cpuMicros: number;
	/** The child's `performance.now()`; only differences between two samples mean anything. */
	readonly at: number;
}

export type ParentMessage =
	| { readonly type: 'start'; readonly env: Readonly<Record<string, string>> }
	| { readonly type: 'stats'; readonly id: number; readonly resetPeak?: boolean }
	| { readonly type: 'counters'; readonly id: number; readonly threadIds: readonly string[] }
	| { readonly type: 'heap'; readonly id: number; readonly snapshotPath?: string }
	| { readonly type: 'stop' };

export type ChildMessage =
	| {
			readonly type: 'ready';
			readonly startBotMs: number;
			/** The child's `performance.now()` at ready: since the process started, module loading included. */
			readonly sinceProcessStartMs: number;
			readonly stats: ProcessStats;
	  }
	| { readonly type: 'stats'; readonly id: number; readonly stats: ProcessStats }
	| { readonly type: 'counters'; readonly id: number; readonly counters: readonly (OutputCounters | null)[] }
	| { readonly type: 'heap'; readonly id: number; readonly spaces: Readonly<Record<string, number>> }
	| { readonly type: 'stopped' }
	| { readonly type: 'failed'; readonly error: string };
