import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { FakeInteraction, RecordedRequest } from '../test/fakes/discord/FakeDiscord.ts';
import { BenchRig, stringOption, subcommand, type BenchUser } from './BenchRig.ts';
import { summarizeLog, type BotLaunchOptions } from './BotHandle.ts';
import type { ProcessStats } from './ipc.ts';
import { emitAtRate, percentile, pollUntil } from './measure.ts';
import { check, formatCount, formatMb, formatMs, formatPercent, type Row } from './report.ts';

const INTERACTIONS_PER_SECOND = 50;
const USERS_PER_SETTING = 100;
const CALLBACK_PATH = /^\/interactions\/(\d+)\/[^/]+\/callback$/;
const ORIGINAL_PATH = /^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/;
const FOLLOW_UP_PATH = /^\/webhooks\/\d+\/([^/]+)$/;
// After the last injection, how long deferred answers may take; the panel client gives up after 10 s.
const ANSWER_WAIT_MS = 25_000;
const CALLBACK_TYPE = { deferred: 5, deferredUpdate: 6 } as const;
// Values that are not servers: the bot's "link first" and "panel is slow" hints.
const PLACEHOLDER_CHOICES: ReadonlySet<string> = new Set(['not-linked', 'panel-slow']);

export interface IdleOptions {
	readonly linkedUsers: number;
	readonly idleMs: number;
	readonly launch?: BotLaunchOptions;
}

export interface InteractionOptions {
	readonly count: number;
	readonly panelDelaysMs: readonly number[];
}

type Kind = 'command' | 'button' | 'autocomplete';
const KINDS: readonly Kind[] = ['command', 'button', 'autocomplete'];

interface Variants {
	readonly labels: Readonly<Record<Kind, string>>;
	inject(kind: Kind, user: BenchUser): FakeInteraction;
}

interface Injected {
	readonly kind: Kind;
	readonly interaction: FakeInteraction;
}

interface KindTimes {
	readonly acks: number[];
	readonly answers: number[];
	failed: number;
}

/** Scenario 4, then scenario 3 on the same bot: start-up and idle memory with many linked users, then load. */
export async function runIdleAndInteractions(idle: IdleOptions, interactions: InteractionOptions): Promise<Row[]> {
	const rig = await BenchRig.start({ users: idle.linkedUsers, serversPerUser: 1, launch: idle.launch });
	try {
		await delay(idle.idleMs);
		const idleRow = measureIdle(rig, idle, await rig.bot.stats());
		const variants = chooseVariants(rig);
		const rows: Row[] = [];
		// Each panel setting gets its own users, so the autocomplete cache starts cold for each.
		for (const [index, panelDelayMs] of interactions.panelDelaysMs.entries()) {
			const users = rig.users.slice(index * USERS_PER_SETTING, (index + 1) * USERS_PER_SETTING);
			rows.push(await measureInteractions(rig, variants, users, panelDelayMs, interactions.count));
		}
		return [...rows, idleRow];
	} finally {
		await rig.stop();
	}
}

function measureIdle(rig: BenchRig, idle: IdleOptions, stats: ProcessStats): Row {
	const { startup } = rig.bot;
	const rateLimited = rig.discord.rateLimitHits;
	return {
		table: 'idle',
		scenario: '4 · idle',
		load: `${formatCount(idle.linkedUsers)} linked users`,
		cells: {
			'Spawn → ready': formatMs(startup.spawnToReadyMs),
			'startBot()': formatMs(startup.startBotMs),
			'RSS idle': formatMb(stats.rss),
			'Heap used': formatMb(stats.heapUsed),
			'429s': String(rateLimited),
		},
		figures: {
			linkedUsers: idle.linkedUsers,
			spawnToReadyMs: startup.spawnToReadyMs,
			startBotMs: startup.startBotMs,
			idleAfterMs: idle.idleMs,
			rssIdleBytes: stats.rss,
			heapUsedIdleBytes: stats.heapUsed,
			rssAtReadyBytes: startup.stats.rss,
			startupHighWaterRssBytes: stats.kernelMaxRss,
			rateLimited,
			botLog: summarizeLog(rig.bot.log),
		},
		targets: [check('no 429s', '0', String(rateLimited), rateLimited === 0)],
		notes: [`While starting, the process briefly reached ${formatMb(stats.kernelMaxRss)} (kernel high-water mark).`],
	};
}

async function measureInteractions(
	rig: BenchRig,
	variants: Variants,
	users: readonly BenchUser[],
	panelDelayMs: number,
	count: number,
): Promise<Row> {
	rig.panel.setResponseDelay(panelDelayMs);
	const phaseStart = performance.now();
	const fromRequest = rig.discord.requests.length;
	const rateLimitedBefore = rig.discord.rateLimitHits;
	const before = await rig.bot.stats(true);

	const injected: Injected[] = [];
	await emitAtRate(INTERACTIONS_PER_SECOND, (count / INTERACTIONS_PER_SECOND) * 1_000, 20, (due) => {
		for (let index = 0; index < due; index++) {
			const number = injected.length;
			const kind = KINDS[number % KINDS.length] ?? 'command';
			const user = users[number % users.length];
			if (!user) throw new Error('no users for this setting');
			injected.push({ kind, interaction: variants.inject(kind, user) });
		}
	});

	const replies = new ReplyReader(fromRequest);
	await pollUntil(() => {
		replies.read(rig.discord.requests);
		return injected.every((item) => replies.answerAt(item) !== undefined);
	}, ANSWER_WAIT_MS);
	replies.read(rig.discord.requests);
	const after = await rig.bot.stats();
	const cpuCores = (after.cpuMicros - before.cpuMicros) / ((after.at - before.at) * 1_000);

	const perKind = new Map<Kind, KindTimes>(KINDS.map((kind) => [kind, { acks: [], answers: [], failed: 0 }]));
	let unanswered = 0;
	let withChoices = 0;
	for (const item of injected) {
		const times = perKind.get(item.kind);
		const callback = replies.callbackFor(item);
		if (!times) continue;
		if (!callback || callback.status >= 300) {
			times.failed++;
			continue;
		}
		times.acks.push(callback.at - item.interaction.dispatchedAt);
		const answer = replies.answerAt(item);
		if (answer === undefined) unanswered++;
		else times.answers.push(answer - item.interaction.dispatchedAt);
		if (item.kind === 'autocomplete' && hasServerChoices(callback.body)) withChoices++;
	}

	const all = [...perKind.values()];
	const acks = all.flatMap((times) => times.acks);
	const answers = all.flatMap((times) => times.answers);
	const autocomplete = perKind.get('autocomplete') ?? { acks: [], answers: [], failed: 0 };
	const autocompletes = injected.filter((item) => item.kind === 'autocomplete').length;
	const failed = all.reduce((total, times) => total + times.failed, 0);
	const rateLimited = rig.discord.rateLimitHits - rateLimitedBefore;
	const ackP99 = percentile(acks, 0.99);
	const ackLimitMs = panelDelayMs === 0 ? 50 : 2_500;

	const notes = [
		`Kinds, in turn: ${KINDS.map((kind) => variants.labels[kind]).join('; ')}.`,
		`First visible answer p50 / p99 by kind: ${KINDS.map((kind) => {
			const times = perKind.get(kind)?.answers ?? [];
			return `${kind} ${formatMs(percentile(times, 0.5))} / ${formatMs(percentile(times, 0.99))}`;
		}).join(', ')}.`,
		`Bot process: peak RSS ${formatMb(after.peakRss)}, ${formatPercent(cpuCores)} of one core.`,
	];
	if (unanswered > 0) {
		notes.push(`${unanswered} acknowledged interactions had no visible answer ${formatMs(ANSWER_WAIT_MS)} after the last one.`);
	}

	return {
		table: 'interactions',
		scenario: '3 · interactions',
		load: `panel ${formatCount(panelDelayMs)} ms, ${INTERACTIONS_PER_SECOND}/s`,
		cells: {
			Interactions: formatCount(injected.length),
			'Ack p50': formatMs(percentile(acks, 0.5)),
			'Ack p99': formatMs(ackP99),
			'Ack max': formatMs(percentile(acks, 1)),
			'Failed acks': String(failed),
			'Autocomplete p50': formatMs(percentile(autocomplete.acks, 0.5)),
			'Autocomplete p99': formatMs(percentile(autocomplete.acks, 0.99)),
			'With choices': formatPercent(autocompletes > 0 ? withChoices / autocompletes : Number.NaN),
			'Answer p99': formatMs(percentile(answers, 0.99)),
			'429s': String(rateLimited),
		},
		figures: {
			panelDelayMs,
			interactions: injected.length,
			perSecond: INTERACTIONS_PER_SECOND,
			kinds: variants.labels,
			ackP50Ms: percentile(acks, 0.5),
			ackP99Ms: ackP99,
			ackMaxMs: percentile(acks, 1),
			failedAcks: failed,
			unanswered,
			answerP50Ms: percentile(answers, 0.5),
			answerP99Ms: percentile(answers, 0.99),
			autocompletes,
			autocompleteP50Ms: percentile(autocomplete.acks, 0.5),
			autocompleteP99Ms: percentile(autocomplete.acks, 0.99),
			autocompleteWithServerChoices: withChoices,
			perKind: Object.fromEntries(
				[...perKind].map(([kind, times]) => [
					kind,
					{
						failedAcks: times.failed,
						ackP50Ms: percentile(times.acks, 0.5),
						ackP99Ms: percentile(times.acks, 0.99),
						answerP50Ms: percentile(times.answers, 0.5),
						answerP99Ms: percentile(times.answers, 0.99),
					},
				]),
			),
			rateLimited,
			peakRssBytes: after.peakRss,
			cpuCores,
			botLog: summarizeLog(rig.bot.log, phaseStart, performance.now()),
		},
		targets: [
			check('no 429s', '0', String(rateLimited), rateLimited === 0),
			check('ack p99', `≤ ${formatMs(ackLimitMs)}`, formatMs(ackP99), ackP99 <= ackLimitMs),
			check('no failed acks (3 s window)', '0', String(failed), failed === 0),
		],
		notes,
	};
}

/** The first callback of each interaction, and the first edit or follow-up that answered a deferred one. */
class ReplyReader {
	readonly #callbacks = new Map<string, RecordedRequest>();
	readonly #answers = new Map<string, RecordedRequest>();
	#next: number;

	public constructor(fromRequest: number) {
		this.#next = fromRequest;
	}

	public read(requests: readonly RecordedRequest[]): void {
		for (; this.#next < requests.length; this.#next++) {
			const request = requests[this.#next];
			if (!request || (request.method !== 'POST' && request.method !== 'PATCH')) continue;
			const callbackId = request.method === 'POST' ? CALLBACK_PATH.exec(request.path)?.[1] : undefined;
			if (callbackId && !this.#callbacks.has(callbackId)) this.#callbacks.set(callbackId, request);
			const token = (request.method === 'PATCH' ? ORIGINAL_PATH : FOLLOW_UP_PATH).exec(request.path)?.[1];
			if (token && request.status < 300 && !this.#answers.has(token)) this.#answers.set(token, request);
		}
	}

	public callbackFor(item: Injected): RecordedRequest | undefined {
		return this.#callbacks.get(item.interaction.id);
	}

	/** A reply or an autocomplete result is the answer; a deferral is answered by its edit or follow-up. */
	public answerAt(item: Injected): number | undefined {
		const callback = this.callbackFor(item);
		if (!callback) return undefined;
		const type = readNumber(callback.body, 'type');
		const isDeferred = type === CALLBACK_TYPE.deferred || type === CALLBACK_TYPE.deferredUpdate;
		return isDeferred ? this.#answers.get(item.interaction.token)?.at : callback.at;
	}
}

/** Picks the commands that exist in this checkout, so the bench runs while commands are being added. */
function chooseVariants(rig: BenchRig): Variants {
	const registered = rig.discord.guildCommands as readonly { name?: string; options?: { name?: string }[] }[];
	const names = new Set(registered.map((command) => command.name));
	const resources = registered.find((command) => command.name === 'resources');
	const resourcesTakesServer = resources?.options?.some((option) => option.name === 'server') ?? false;
	const hasPowerButtons = ['../commands/power.ts', '../commands/power/index.ts'].some((path) =>
		existsSync(fileURLToPath(new URL(path, import.meta.url))),
	);

	let command: { label: string; inject: (user: BenchUser) => FakeInteraction };
	if (names.has('servers')) {
		command = {
			label: '/servers (deferred)',
			inject: (user) => rig.discord.chatInput({ userId: user.discordId, commandName: 'servers' }),
		};
	} else if (names.has('resources')) {
		command = {
			label: '/resources (deferred)',
			inject: (user) =>
				rig.discord.chatInput({
					userId: user.discordId,
					commandName: 'resources',
					options: resourcesTakesServer ? [stringOption('server', serverOf(user))] : [],
				}),
		};
	} else {
		command = {
			label: '/console stop server:<uuid> outside a relay (deferred; /servers and /resources are absent)',
			inject: (user) =>
				rig.discord.chatInput({
					userId: user.discordId,
					commandName: 'console',
					options: [subcommand('stop', [stringOption('server', serverOf(user))])],
				}),
		};
	}
	const button = hasPowerButtons
		? { label: 'power:start:<uuid> button', customId: (user: BenchUser) => `power:start:${serverOf(user)}` }
		: {
				label: 'console:stop button for a relay that is not running (commands/power.ts is absent)',
				customId: () => `console:stop:${'1'.padEnd(18, '0')}`,
			};

	return {
		labels: { command: command.label, button: button.label, autocomplete: '/console start server: autocomplete ("surv")' },
		inject(kind, user) {
			if (kind === 'command') return command.inject(user);
			if (kind === 'button') return rig.discord.button({ userId: user.discordId, customId: button.customId(user) });
			return rig.discord.autocomplete({
				userId: user.discordId,
				commandName: 'console',
				options: [subcommand('start', [stringOption('server', 'surv', true)])],
			});
		},
	};
}

function serverOf(user: BenchUser): string {
	const server = user.servers[0];
	if (!server) throw new Error('user without a server');
	return server.uuid;
}

function readNumber(body: unknown, key: string): number | undefined {
	if (typeof body !== 'object' || body === null) return undefined;
	const value: unknown = (body as Record<string, unknown>)[key];
	return typeof value === 'number' ? value : undefined;
}

function hasServerChoices(body: unknown): boolean {
	if (typeof body !== 'object' || body === null || !('data' in body)) return false;
	const data = body.data;
	if (typeof data !== 'object' || data === null || !('choices' in data) || !Array.isArray(data.choices)) return false;
	return data.choices.some(
		(choice: unknown) =>
			typeof choice === 'object' && choice !== null && 'value' in choice && !PLACEHOLDER_CHOICES.has(String(choice.value)),
	);
}
