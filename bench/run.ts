// `npm run bench [-- --quick] [--only=1,3] [--profile] [--bot-node-flags="…"]`: the relay and the interaction
// path measured against Discord's own limits, with the real bot in a child process and the fakes in this one.
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBot, type BotLaunchOptions, type LogSummary } from './BotHandle.ts';
import { runIdleAndInteractions } from './interactionScenarios.ts';
import { describeMachine, machineLine } from './machine.ts';
import { runManyRelays, runRelayThroughput } from './relayScenarios.ts';
import { cellsFor, COLUMNS, renderMarkdown, renderText, type Row } from './report.ts';

const RESULTS_JSON = fileURLToPath(new URL('./results.json', import.meta.url));
const RESULTS_MD = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

interface Plan {
	readonly mode: 'full' | 'quick';
	readonly relayRates: readonly number[];
	readonly relayWindowMs: number;
	readonly drainTimeoutMs: number;
	readonly manyRelays: number;
	readonly manyRelaysRate: number;
	readonly manyRelaysWindowMs: number;
	readonly interactions: number;
	readonly panelDelaysMs: readonly number[];
	readonly linkedUsers: number;
	readonly idleMs: number;
}

const FULL: Plan = {
	mode: 'full',
	relayRates: [10, 100, 1_000, 20_000],
	relayWindowMs: 10_000,
	drainTimeoutMs: 30_000,
	manyRelays: 100,
	manyRelaysRate: 20,
	manyRelaysWindowMs: 30_000,
	interactions: 1_000,
	panelDelaysMs: [0, 2_000],
	linkedUsers: 1_000,
	idleMs: 5_000,
};

const QUICK: Plan = {
	mode: 'quick',
	relayRates: [10, 1_000, 20_000],
	relayWindowMs: 3_000,
	drainTimeoutMs: 10_000,
	manyRelays: 20,
	manyRelaysRate: 20,
	manyRelaysWindowMs: 5_000,
	interactions: 150,
	panelDelaysMs: [0, 2_000],
	linkedUsers: 1_000,
	idleMs: 1_000,
};

const args = process.argv.slice(2);
const plan = args.includes('--quick') ? QUICK : FULL;
const only = new Set((args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length) ?? '1,2,3,4').split(','));
const profileDirectory = args.includes('--profile') ? mkdtempSync(join(tmpdir(), 'wingman-bench-profiles-')) : undefined;
const nodeFlags = args
	.find((arg) => arg.startsWith('--bot-node-flags='))
	?.slice('--bot-node-flags='.length)
	.split(' ')
	.filter(Boolean);
const launch: BotLaunchOptions = { profileDirectory, nodeFlags };

const machine = describeMachine();
buildBot();
const startedAt = new Date();
const clockStart = performance.now();
const rows: Row[] = [];
const failures: { scenario: string; error: string }[] = [];

write(`Wingman bench (${plan.mode}) on ${machineLine(machine)}\n`);
if (profileDirectory) write(`CPU profiles of the bot process go to ${profileDirectory}\n`);
if (nodeFlags) write(`Bot process Node flags: ${nodeFlags.join(' ')}\n`);

if (only.has('1')) {
	for (const rate of plan.relayRates) {
		const options = { windowMs: plan.relayWindowMs, drainTimeoutMs: plan.drainTimeoutMs, launch };
		await attempt(`1 · ${rate} lines/s`, async () => [await runRelayThroughput(rate, options)]);
	}
}
if (only.has('2')) {
	const options = { windowMs: plan.manyRelaysWindowMs, drainTimeoutMs: plan.drainTimeoutMs, launch };
	await attempt('2 · many relays', async () => [await runManyRelays(plan.manyRelays, plan.manyRelaysRate, options)]);
}
if (only.has('3') || only.has('4')) {
	await attempt('3 and 4 · interactions and idle', async () => {
		const results = await runIdleAndInteractions(
			{ linkedUsers: plan.linkedUsers, idleMs: plan.idleMs, launch },
			{ count: plan.interactions, panelDelaysMs: only.has('3') ? plan.panelDelaysMs : [] },
		);
		return results.filter((row) => only.has(row.table === 'idle' ? '4' : '3'));
	});
}

const durationSeconds = (performance.now() - clockStart) / 1_000;
const missed = rows.reduce((total, row) => total + row.targets.filter((target) => !target.pass).length, 0);
write(`\n${renderText(rows)}\n\n`);
write(missed === 0 ? 'Every target met.' : `${missed} target(s) missed.`);
write(failures.length > 0 ? ` ${failures.length} scenario(s) failed to run.` : '');
write(` Ran in ${durationSeconds.toFixed(0)} s.\n`);

writeJson(RESULTS_JSON, {
	mode: plan.mode,
	startedAt: startedAt.toISOString(),
	durationSeconds,
	machine,
	botNodeFlags: nodeFlags ?? [],
	rows: rows.map(({ scenario, load, figures, targets, notes }) => ({ scenario, load, ...figures, targets, notes })),
	failures,
});
write(`Wrote ${RESULTS_JSON}\n`);
// Only a complete, default run describes the bot as shipped.
if (plan.mode === 'full' && only.size === 4 && failures.length === 0 && !nodeFlags && !profileDirectory) {
	writeFileSync(RESULTS_MD, renderMarkdown(rows, machine, startedAt, durationSeconds));
	write(`Wrote ${RESULTS_MD}\n`);
}
// Everything is stopped, but a straggling keep-alive socket must not hold the bench open.
process.exit(failures.length > 0 ? 1 : 0);

/** Runs one scenario; a failure is reported and the others still run. */
async function attempt(scenario: string, run: () => Promise<Row[]>): Promise<void> {
	try {
		for (const row of await run()) record(row);
	} catch (error) {
		const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
		failures.push({ scenario, error: text });
		write(`Scenario ${scenario} failed:\n${text}\n`);
	}
}

function record(scenarioRow: Row): void {
	const row = withLogNote(scenarioRow);
	rows.push(row);
	const cells = cellsFor(row);
	const summary = COLUMNS[row.table].map((column, index) => `${column}: ${cells[index]}`).join(' · ');
	const misses = row.targets.filter((target) => !target.pass).map((target) => target.name);
	write(`${summary}${misses.length > 0 ? `  [MISS: ${misses.join(', ')}]` : ''}\n`);
}

/** The bot's warnings and errors during the row belong in the report. */
function withLogNote(row: Row): Row {
	const log = row.figures.botLog as LogSummary | undefined;
	if (!log || log.warn + log.error === 0) return row;
	const note = `The bot logged ${log.warn} warning(s) and ${log.error} error(s); the first: ${log.first ?? ''}`;
	return { ...row, notes: [...row.notes, note] };
}

function writeJson(path: string, value: unknown): void {
	const temporary = `${path}.tmp`;
	writeFileSync(temporary, `${JSON.stringify(value, null, '\t')}\n`);
	renameSync(temporary, path);
}

function write(text: string): void {
	process.stdout.write(text);
}
