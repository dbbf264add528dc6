import { setTimeout as delay } from 'node:timers/promises';
import type { OutputCounters } from '../src/relay/ConsoleOutput.ts';
import { RELAY_GLOBAL_OPS_PER_SECOND } from '../src/relay/RelayPacer.ts';
import type { FakeServer } from '../test/fakes/panel/FakePanel.ts';
import { BenchRig } from './BenchRig.ts';
import { summarizeLog, type BotLaunchOptions, type LogSummary } from './BotHandle.ts';
import { consoleLine, seededRandom } from './consoleLine.ts';
import { DeliveryTracker, type DeliveryCounts } from './DeliveryTracker.ts';
import type { ProcessStats } from './ipc.ts';
import { emitAtRate, MB, percentile, pollUntil, usageBetween } from './measure.ts';
import { check, formatCount, formatMb, formatMs, formatPercent, type Row, type TargetCheck } from './report.ts';

// Discord: 5 message creates per 5 s per channel, 2,000 characters each.
const CEILING_CHARS_PER_SECOND = 2_000;
const EMIT_TICK_MS = 10;
// Offered load of at least this many times the ceiling counts as saturation for the throughput target.
const SATURATION_FACTOR = 2;
const MEAN_LINE_CHARS = 120;
// Lets the header edit that follows Wings' first `status` go out before the clock starts.
const SETTLE_MS = 1_500;
const STARTS_IN_FLIGHT = 10;
const START_SPACING_MS = 100;

export interface RelayScenarioOptions {
	readonly windowMs: number;
	readonly drainTimeoutMs: number;
	readonly launch?: BotLaunchOptions;
}

interface Relay {
	readonly threadId: string;
	readonly server: FakeServer;
}

interface RelayMeasurement {
	readonly counts: DeliveryCounts;
	readonly windowMs: number;
	readonly drainMs: number;
	readonly isDrained: boolean;
	readonly inlineCharsPerRelay: number;
	readonly ceilingFraction: number;
	readonly sustainedCeilingFraction: number;
	readonly rssBeforeBytes: number;
	readonly peakRssBytes: number;
	readonly kernelMaxRssBytes: number;
	readonly memoryAtPeak: ProcessStats['atPeak'];
	readonly cpuCoresWindow: number;
	readonly cpuCoresWithDrain: number;
	readonly worstEmitLagMs: number;
	/** The load driver and the fakes (this process) over the window, to show they kept up. */
	readonly driverCpuCores: number;
	readonly rateLimited: number;
	readonly botCounters: Record<string, number>;
	readonly botLog: LogSummary;
}

/** Scenario 1: one relay, one Wings console emitting `linesPerSecond` for the window, then a drain. */
export async function runRelayThroughput(linesPerSecond: number, options: RelayScenarioOptions): Promise<Row> {
	const rig = await BenchRig.start({ users: 1, serversPerUser: 1, launch: options.launch });
	try {
		const [user] = rig.users;
		const server = user?.servers[0];
		if (!user || !server) throw new Error('no server');
		const threadId = await rig.startRelay(user, server, rig.discord.channelId);
		await delay(SETTLE_MS);
		const result = await measureRelays(rig, [{ threadId, server }], linesPerSecond, options);
		const load = `${formatCount(linesPerSecond)} lines/s × ${options.windowMs / 1_000} s`;
		return relayRow('1 · one relay', load, linesPerSecond, result);
	} finally {
		await rig.stop();
	}
}

/** Scenario 2: `relayCount` relays, each in its own channel's thread, each console at `linesPerSecond`. */
export async function runManyRelays(
	relayCount: number,
	linesPerSecond: number,
	options: RelayScenarioOptions,
): Promise<Row> {
	const ownerCount = Math.min(10, relayCount);
	const rig = await BenchRig.start({
		users: ownerCount,
		serversPerUser: Math.ceil(relayCount / ownerCount),
		textChannels: relayCount,
		launch: options.launch,
	});
	try {
		const startedAt = performance.now();
		const relays = await startRelays(rig, relayCount, ownerCount);
		const startupMs = performance.now() - startedAt;
		await delay(SETTLE_MS);

		const result = await measureRelays(rig, relays, linesPerSecond, options);
		const load = `${relayCount} relays × ${linesPerSecond} lines/s × ${options.windowMs / 1_000} s`;
		const row = relayRow('2 · many relays', load, linesPerSecond, result);
		const perRelay = RELAY_GLOBAL_OPS_PER_SECOND / relayCount;
		const targets: TargetCheck[] = [
			check('no 429s', '0', String(result.rateLimited), result.rateLimited === 0),
			check('every line accounted for', '0 lost', String(result.counts.unaccounted), result.counts.unaccounted === 0),
			check('CPU', '≤ 25% of one core', formatPercent(result.cpuCoresWindow), result.cpuCoresWindow <= 0.25),
			check('RSS', '≤ 200 MB', formatMb(result.peakRssBytes), result.peakRssBytes <= 200 * MB),
		];
		return {
			...row,
			figures: { ...row.figures, relays: relayCount, linesPerSecondPerRelay: linesPerSecond, relayStartupMs: startupMs },
			targets,
			notes: [
				...row.notes,
				`The relays share the bot's relay budget of ${RELAY_GLOBAL_OPS_PER_SECOND} requests/s (GlobalPacer), ` +
					`${perRelay.toFixed(2)} requests/s each, while each console offers ` +
					`~${formatCount(linesPerSecond * MEAN_LINE_CHARS)} chars/s, more than a channel's 2,000: ` +
					'most output is attached, and Inline/ceiling is per relay.',
				`Starting the ${relayCount} relays through /console start took ${formatMs(startupMs)}.`,
			],
		};
	} finally {
		await rig.stop();
	}
}

/** `/console start` for each relay as people would: about 10 per second, never more than 10 pending. */
async function startRelays(rig: BenchRig, relayCount: number, ownerCount: number): Promise<Relay[]> {
	const relays: Relay[] = [];
	const pending = new Set<Promise<void>>();
	for (let index = 0; index < relayCount; index++) {
		const user = rig.users[index % ownerCount];
		const server = user?.servers[Math.floor(index / ownerCount)];
		const channelId = rig.channels[index];
		if (!user || !server || !channelId) throw new Error('the rig has too few servers or channels');
		const started: Promise<void> = rig.startRelay(user, server, channelId).then((threadId) => {
			relays.push({ threadId, server });
			pending.delete(started);
		});
		pending.add(started);
		if (pending.size >= STARTS_IN_FLIGHT) await Promise.race(pending);
		await delay(START_SPACING_MS);
	}
	await Promise.all(pending);
	return relays;
}

async function measureRelays(
	rig: BenchRig,
	relays: readonly Relay[],
	linesPerSecond: number,
	options: RelayScenarioOptions,
): Promise<RelayMeasurement> {
	const totalRate = linesPerSecond * relays.length;
	const tracker = new DeliveryTracker(Math.ceil((totalRate * options.windowMs) / 1_000) + 16, rig.discord.requests.length);
	relays.forEach((relay, index) => tracker.watch(relay.threadId, index));
	const random = seededRandom(linesPerSecond * 7_919 + relays.length);

	const before = await rig.bot.stats(true);
	const driverBefore = process.cpuUsage();
	const emitStart = performance.now();
	let sequence = 0;
	const { worstLagMs } = await emitAtRate(totalRate, options.windowMs, EMIT_TICK_MS, (count) => {
		// Line i goes to relay i mod n, so every console runs at the same rate, out of phase with the others.
		const batches = relays.map(() => [] as string[]);
		const first = sequence;
		for (; sequence < first + count; sequence++) batches[sequence % relays.length]?.push(consoleLine(sequence, random));
		const at = performance.now();
		for (let emitted = first; emitted < sequence; emitted++) tracker.noteEmitted(emitted, emitted % relays.length, at);
		relays.forEach((relay, index) => {
			const lines = batches[index];
			if (lines && lines.length > 0) rig.panel.emitConsole(relay.server, lines);
		});
	});
	const emitEnd = performance.now();
	const driver = process.cpuUsage(driverBefore);
	const atWindowEnd = await rig.bot.stats();

	const isDrained = await pollUntil(() => {
		tracker.consume(rig.discord.requests);
		return tracker.accounted >= tracker.linesIn;
	}, options.drainTimeoutMs);
	const drainMs = performance.now() - emitEnd;
	tracker.consume(rig.discord.requests);
	const after = await rig.bot.stats();
	const counters = await rig.bot.counters(relays.map((relay) => relay.threadId));

	const windowMs = emitEnd - emitStart;
	const inlineCharsPerRelay = tracker.inlineCharsBetween(emitStart, emitEnd) / relays.length;
	const sustained = relays.length === 1 ? tracker.steadyInlineCharsPerSecond(emitStart, emitEnd) : Number.NaN;
	return {
		counts: tracker.counts(),
		windowMs,
		drainMs,
		isDrained,
		inlineCharsPerRelay,
		ceilingFraction: inlineCharsPerRelay / ((CEILING_CHARS_PER_SECOND * windowMs) / 1_000),
		sustainedCeilingFraction: sustained / CEILING_CHARS_PER_SECOND,
		rssBeforeBytes: before.rss,
		peakRssBytes: after.peakRss,
		kernelMaxRssBytes: after.kernelMaxRss,
		memoryAtPeak: after.atPeak,
		cpuCoresWindow: usageBetween(before, atWindowEnd).cpuCores,
		cpuCoresWithDrain: usageBetween(before, after).cpuCores,
		worstEmitLagMs: worstLagMs,
		driverCpuCores: (driver.user + driver.system) / (windowMs * 1_000),
		// Counted from the fake's start: relay start-up (threads, headers) must not earn a 429 either.
		rateLimited: rig.discord.rateLimitHits,
		botCounters: sumCounters(counters),
		botLog: summarizeLog(rig.bot.log),
	};
}

function relayRow(scenario: string, load: string, linesPerSecond: number, result: RelayMeasurement): Row {
	const { counts } = result;
	const p50 = percentile(counts.latenciesMs, 0.5);
	const p99 = percentile(counts.latenciesMs, 0.99);
	const isSaturated = linesPerSecond * MEAN_LINE_CHARS >= SATURATION_FACTOR * CEILING_CHARS_PER_SECOND;
	const visible = counts.inline + counts.attached;

	const targets: TargetCheck[] = [
		check('no 429s', '0', String(result.rateLimited), result.rateLimited === 0),
		check(
			'every line accounted for',
			'inline + attached + skipped = lines in',
			`${formatCount(counts.unaccounted)} lost`,
			counts.unaccounted === 0,
		),
		check('nothing skipped', '0', formatCount(counts.skipped), counts.skipped === 0),
	];
	if (linesPerSecond <= 10) {
		targets.push(check('latency p50', '≤ 0.5 s', formatMs(p50), p50 <= 500));
		targets.push(check('latency p99', '≤ 1.0 s', formatMs(p99), p99 <= 1_000));
	}
	if (isSaturated) {
		const window = result.ceilingFraction;
		targets.push(check('inline throughput (window)', '≥ 95% of ceiling', formatPercent(window), window >= 0.95));
		const sustained = result.sustainedCeilingFraction;
		if (Number.isFinite(sustained)) {
			targets.push(check('inline throughput (sustained)', '≥ 95% of ceiling', formatPercent(sustained), sustained >= 0.95));
		}
	}
	if (linesPerSecond >= 20_000) {
		targets.push(check('every line visible', formatCount(counts.linesIn), formatCount(visible), visible === counts.linesIn));
		targets.push(check('latency p99 under flood', '≤ 3 s', formatMs(p99), p99 <= 3_000));
		const peak = result.peakRssBytes;
		targets.push(check('peak RSS under flood', '≤ 150 MB', formatMb(peak), peak <= 150 * MB));
	}

	const notes: string[] = [];
	if (!result.isDrained) notes.push(`Not drained ${formatMs(result.drainMs)} after emission stopped.`);
	if (counts.duplicates > 0) notes.push(`${counts.duplicates} lines appeared twice.`);
	if (counts.misrouted > 0) notes.push(`${counts.misrouted} lines appeared in another relay's thread.`);
	if (counts.notices > 0) notes.push(`${counts.notices} relay notices (reconnects or similar) in the threads.`);
	if (result.worstEmitLagMs > 50 || result.driverCpuCores > 0.8) {
		notes.push(
			`The load driver (fakes included) used ${formatPercent(result.driverCpuCores)} of a core ` +
				`and fell up to ${formatMs(result.worstEmitLagMs)} behind its schedule.`,
		);
	}

	return {
		table: 'relay',
		scenario,
		load,
		cells: {
			'Lines in': formatCount(counts.linesIn),
			Inline: formatCount(counts.inline),
			Attached: formatCount(counts.attached),
			Skipped: formatCount(counts.skipped),
			Lost: formatCount(counts.unaccounted),
			Creates: formatCount(counts.creates),
			Edits: formatCount(counts.edits),
			'429s': String(result.rateLimited),
			'Inline/ceiling': formatPercent(result.ceilingFraction),
			Sustained: isSaturated ? formatPercent(result.sustainedCeilingFraction) : '–',
			p50: formatMs(p50),
			p99: formatMs(p99),
			'Peak RSS': formatMb(result.peakRssBytes),
			CPU: formatPercent(result.cpuCoresWindow),
		},
		figures: {
			linesPerSecond,
			linesIn: counts.linesIn,
			linesInline: counts.inline,
			linesAttached: counts.attached,
			linesSkipped: counts.skipped,
			linesUnaccounted: counts.unaccounted,
			duplicates: counts.duplicates,
			misrouted: counts.misrouted,
			notices: counts.notices,
			creates: counts.creates,
			edits: counts.edits,
			failedRequests: counts.failedRequests,
			rateLimited: result.rateLimited,
			largestAttachmentBytes: counts.largestAttachmentBytes,
			windowMs: result.windowMs,
			drainMs: result.drainMs,
			isDrained: result.isDrained,
			inlineCharsPerSecondPerRelay: result.inlineCharsPerRelay / (result.windowMs / 1_000),
			ceilingCharsPerSecond: CEILING_CHARS_PER_SECOND,
			ceilingFraction: result.ceilingFraction,
			sustainedCeilingFraction: result.sustainedCeilingFraction,
			latencyP50Ms: p50,
			latencyP99Ms: p99,
			latencyMaxMs: percentile(counts.latenciesMs, 1),
			rssBeforeLoadBytes: result.rssBeforeBytes,
			peakRssBytes: result.peakRssBytes,
			kernelMaxRssBytes: result.kernelMaxRssBytes,
			memoryAtPeak: result.memoryAtPeak,
			cpuCoresDuringWindow: result.cpuCoresWindow,
			cpuCoresWindowAndDrain: result.cpuCoresWithDrain,
			worstEmitLagMs: result.worstEmitLagMs,
			driverCpuCores: result.driverCpuCores,
			botCounters: result.botCounters,
			botLog: result.botLog,
		},
		targets,
		notes,
	};
}

function sumCounters(counters: readonly (OutputCounters | null)[]): Record<string, number> {
	const total: Record<string, number> = {};
	for (const counter of counters) {
		if (!counter) continue;
		for (const [key, value] of Object.entries(counter)) total[key] = (total[key] ?? 0) + value;
	}
	return total;
}
