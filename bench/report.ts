import type { Machine } from './machine.ts';
import { MB } from './measure.ts';

export interface TargetCheck {
	readonly name: string;
	readonly target: string;
	readonly value: string;
	readonly pass: boolean;
}

export interface Row {
	/** Which table the row belongs to. */
	readonly table: TableName;
	readonly scenario: string;
	readonly load: string;
	/** Table cells, keyed by column header. */
	readonly cells: Readonly<Record<string, string>>;
	/** Every measured figure, raw, for results.json. */
	readonly figures: Readonly<Record<string, unknown>>;
	readonly targets: readonly TargetCheck[];
	readonly notes: readonly string[];
}

export type TableName = 'relay' | 'interactions' | 'idle';

export const COLUMNS: Readonly<Record<TableName, readonly string[]>> = {
	relay: [
		'Scenario',
		'Load',
		'Lines in',
		'Inline',
		'Attached',
		'Skipped',
		'Lost',
		'Creates',
		'Edits',
		'429s',
		'Inline/ceiling',
		'Sustained',
		'p50',
		'p99',
		'Peak RSS',
		'CPU',
	],
	interactions: [
		'Scenario',
		'Load',
		'Interactions',
		'Ack p50',
		'Ack p99',
		'Ack max',
		'Failed acks',
		'Autocomplete p50',
		'Autocomplete p99',
		'With choices',
		'Answer p99',
		'429s',
	],
	idle: ['Scenario', 'Load', 'Spawn → ready', 'startBot()', 'RSS idle', 'Heap used', '429s'],
};

export const TABLE_TITLES: Readonly<Record<TableName, string>> = {
	relay: 'Console relay (scenarios 1 and 2)',
	interactions: 'Interaction path (scenario 3)',
	idle: 'Idle (scenario 4)',
};

export function cellsFor(row: Pick<Row, 'table' | 'scenario' | 'load' | 'cells'>): string[] {
	return COLUMNS[row.table].map((column) => {
		if (column === 'Scenario') return row.scenario;
		if (column === 'Load') return row.load;
		return row.cells[column] ?? '';
	});
}

/** Fixed-width text table; the first `textColumns` columns are text (left-aligned), the rest figures. */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[], textColumns = 2): string {
	const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
	const pad = (cell: string, column: number) =>
		column < textColumns ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0);
	const line = (cells: readonly string[]) => cells.map(pad).join('  ').trimEnd();
	return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], textColumns = 2): string {
	const escape = (cell: string) => cell.replaceAll('|', '\\|');
	return [
		`| ${headers.map(escape).join(' | ')} |`,
		`|${headers.map((_, column) => (column < textColumns ? ' --- ' : ' ---: ')).join('|')}|`,
		...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
	].join('\n');
}

export function targetRows(rows: readonly Row[]): string[][] {
	return rows.flatMap((row) =>
		row.targets.map((target) => [
			`${row.scenario} · ${row.load}`,
			target.name,
			target.target,
			target.value,
			target.pass ? 'pass' : 'MISS',
		]),
	);
}

export const TARGET_HEADERS = ['Row', 'Target', 'Wanted', 'Measured', 'Result'] as const;

export function formatMs(ms: number): string {
	if (!Number.isFinite(ms)) return '–';
	if (ms < 10) return `${ms.toFixed(1)} ms`;
	if (ms < 1_000) return `${Math.round(ms)} ms`;
	return `${(ms / 1_000).toFixed(2)} s`;
}

export function formatMb(bytes: number): string {
	return Number.isFinite(bytes) ? `${(bytes / MB).toFixed(0)} MB` : '–';
}

export function formatPercent(fraction: number): string {
	return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}%` : '–';
}

export function formatCount(count: number): string {
	return count.toLocaleString('en-US');
}

export function check(name: string, target: string, value: string, pass: boolean): TargetCheck {
	return { name, target, value, pass };
}

export function renderText(rows: readonly Row[]): string {
	const sections = TABLE_ORDER.flatMap((table) => {
		const tableRows = rows.filter((row) => row.table === table);
		if (tableRows.length === 0) return [];
		return [`${TABLE_TITLES[table]}\n${textTable(COLUMNS[table], tableRows.map(cellsFor))}`];
	});
	sections.push(`Targets\n${textTable(TARGET_HEADERS, targetRows(rows), TARGET_HEADERS.length)}`);
	const notes = rows.flatMap((row) => row.notes.map((note) => `- ${row.scenario} · ${row.load}: ${note}`));
	if (notes.length > 0) sections.push(`Notes\n${notes.join('\n')}`);
	return sections.join('\n\n');
}

/** bench/RESULTS.md: the tables, the machine, and how to read them, ready for the README. */
export function renderMarkdown(rows: readonly Row[], host: Machine, at: Date, seconds: number): string {
	const tables = TABLE_ORDER.flatMap((table) => {
		const tableRows = rows.filter((row) => row.table === table);
		if (tableRows.length === 0) return [];
		return [`### ${TABLE_TITLES[table]}`, '', markdownTable(COLUMNS[table], tableRows.map(cellsFor)), ''];
	});
	const notes = rows.flatMap((row) => row.notes.map((note) => `- **${row.scenario} · ${row.load}**: ${note}`));
	const memory = `${host.memoryMb.toLocaleString('en-US')} MB RAM`;
	return [
		'# Wingman benchmark results',
		'',
		`Latest full run: ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC, \`npm run bench\`, ${seconds.toFixed(0)} s in all.`,
		'',
		`Machine: ${host.cpus} CPUs (\`nproc\`), ${host.cpuModel} (/proc/cpuinfo), Node ${host.node} (\`node -v\`), ${memory}, ${host.platform}.`,
		'',
		...tables,
		'### Targets',
		'',
		markdownTable(TARGET_HEADERS, targetRows(rows), TARGET_HEADERS.length),
		'',
		...(notes.length > 0 ? ['### Notes', '', ...notes, ''] : []),
		HOW_TO_READ,
	].join('\n');
}

const TABLE_ORDER: readonly TableName[] = ['relay', 'interactions', 'idle'];

const HOW_TO_READ = `## How to read this

The bench runs the real bot (\`src/bot.ts\`, compiled and started with the Node flags of \`npm start\`) in its own Node process, logged in
to the project's fake Discord and talking to the fake Calagopus panel and Wings. The fakes and the load driver run in
the parent process, so the memory and CPU figures are the bot's alone: RSS sampled every 100 ms
(\`process.memoryUsage()\`; MB here means 2^20 bytes) and \`process.cpuUsage()\` as a share of one core. The fake
Discord enforces Discord's limits (5 message creates and 5 edits per 5 s per channel, 2,000 characters a message, 50
requests/s globally) and answers a request over a limit with a real 429, which the bot must never provoke. The
panel's own per-IP rate limit is lifted, so that it is never the bottleneck.

**The ceiling.** A channel takes at most 5 creates × 2,000 characters per 5 s: 2,000 characters of inline text per
second, about 16 console lines of 120 characters. Edits add freshness, not capacity. *Inline/ceiling* is the console
text (sanitised, colour codes and line breaks included, code fences not) that first appeared inline during the
10 s emission window, divided by 2,000 × the window. A fixed window flatters or penalises by up to one message
(±10%), depending on where its edges fall between two requests; *Sustained* is the same rate measured from the first
request a second into the window to the last one in it, which is what a console that stays busy gets. Both mean
something only at saturation (100 lines/s and up); at 10 lines/s they just show the offered load.

**Relay rows (scenarios 1 and 2).** *Lines in* is what Wings emitted: realistic Paper lines of 40–200 characters,
about 20% coloured and 5% with mentions and backticks, each with a sequence number so the bench can find it again in
what Discord accepted. *Inline* lines were shown in a message, *Attached* ones in a \`.txt\` attachment (once output
outruns the ceiling), *Skipped* ones were owned up to by a "… N lines skipped" marker, and *Lost* lines are none of
these (must be 0). *p50/p99* is the time from a line leaving Wings to the first accepted Discord request that showed
it. *Creates/Edits* are the accepted requests to the thread. *Peak RSS* and *CPU* are the bot's during the window.

**Interaction rows (scenario 3).** Interactions at 50 per second: a deferred command, a power button and an
autocomplete in turn, from 100 linked users per panel setting, so each user's first autocomplete finds the server
cache cold. *Ack* is from the gateway dispatch to the bot's first interaction callback; Discord drops an interaction
not acknowledged within 3 s (*Failed acks*). *Answer* is when the user first sees a result (for a deferred reply, its
edit). *With choices* is the share of autocompletes answered with servers rather than the "panel is slow" hint.

**Idle (scenario 4).** *Spawn → ready* includes starting Node and loading the compiled bot; *startBot()* is
the bot's own start: store, commands, gateway login, command registration. RSS is measured after a few idle seconds.

**For comparison**, popular console bots measured on this kind of bench: one message per line gets 429s from the first
second and reaches ~6% of the ceiling; fixed 10 s batches reach p50 7.5 s at 10 lines/s and drop 97% of lines at
2,000 lines/s; edit-in-place with a 1.5 s flush reaches p50 0.8 s / p99 1.5 s at 10 lines/s and 95.6% of the
ceiling, but shows only 4.5% of lines at 2,000 lines/s.

Timings depend on the machine, so \`npm run bench\` is not part of \`npm test\` and cannot fail CI.
\`npm run bench -- --quick\` is a shorter run for development (under a minute); \`--only=1,3\` picks scenarios;
\`--profile\` writes a CPU profile of each bot process; \`--bot-node-flags="…"\` passes Node flags to the bot process.
Every figure, with the targets, is also in \`bench/results.json\`.
`;
