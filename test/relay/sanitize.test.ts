import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
	blockLength,
	FENCE_CLOSE,
	FENCE_OPEN,
	MESSAGE_LIMIT,
	renderBlock,
	sanitizeInline,
	sanitizeLine,
	toPlainText,
} from '../../src/relay/sanitize.ts';

const ZERO_WIDTH_SPACE = '\u200b';
const RESET = '\u001b[0m';
const DEFAULT_MAX_LINE_LENGTH = MESSAGE_LIMIT - FENCE_OPEN.length - FENCE_CLOSE.length;

// Exactly what Discord's ansi grammar draws: 0, 1, 4, 30–37/39, 40–47/49, ';'-joined.
const SUPPORTED_SGR = /\u001b\[(?:(?:0|1|4|3[0-79]|4[0-79]);)*(?:0|1|4|3[0-79]|4[0-79])m/g;
const LIVE_MENTION = /@everyone|@here|<@[!&$]?\d+>|<#\d+>|<\/[^\s:>]+(?: [^\s:>]+){0,2}:\d+>/i;
// Every control character we promise to remove (tab is kept; ESC is checked after removing SGR).
const FORBIDDEN_CONTROL =
	/[\u0000-\u0008\u000a-\u001a\u001c-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Discord's own code-block rule, as its client ships it.
const DISCORD_CODE_BLOCK = /^```(?:([a-z0-9_+\-.#]+?)\n)?\n*([^\n][^]*?)\n*```/i;

function stripSgr(text: string): string {
	return text.replace(SUPPORTED_SGR, '');
}

function visibleText(lines: readonly string[]): string {
	return lines.map((line) => stripSgr(line).replaceAll(ZERO_WIDTH_SPACE, '')).join('');
}

function packBlocks(lines: readonly string[]): string[][] {
	const blocks: string[][] = [];
	let current: string[] = [];
	for (const line of lines) {
		if (current.length > 0 && blockLength([...current, line]) > MESSAGE_LIMIT) {
			blocks.push(current);
			current = [];
		}

		current.push(line);
	}

	if (current.length > 0) blocks.push(current);
	return blocks;
}

function expectSafeLine(line: string, maxLineLength: number, keepAnsi: boolean): void {
	expect(line.length).toBeLessThanOrEqual(maxLineLength);
	expect(line).not.toContain('\n');
	expect(line).not.toContain('``');
	expect(line).not.toMatch(LIVE_MENTION);
	expect(stripSgr(line)).not.toMatch(LIVE_MENTION);
	expect(stripSgr(line)).not.toContain('\u001b');
	expect(line).not.toMatch(FORBIDDEN_CONTROL);
	expect(line).not.toMatch(LONE_SURROGATE);
	if (!keepAnsi) expect(line).not.toContain('\u001b');

	const sequences = line.match(SUPPORTED_SGR);
	if (sequences) {
		// Colour never leaks into the next line, and no line is made of codes alone.
		expect(sequences.at(-1)).toBe(RESET);
		expect(stripSgr(line)).not.toBe('');
	}
}

function expectSafeBlock(block: string): void {
	expect(block.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
	expect(block.startsWith(FENCE_OPEN)).toBe(true);
	expect(block.endsWith(FENCE_CLOSE)).toBe(true);

	const fences = [...block.matchAll(/`{3,}/g)].map((match) => [match.index, match[0].length]);
	expect(fences).toEqual([
		[0, 3],
		[block.length - 3, 3],
	]);

	const match = DISCORD_CODE_BLOCK.exec(block);
	expect(match?.[0]).toBe(block);
	expect(match?.[1]).toBe('ansi');
	expect(stripSgr(block)).not.toMatch(LIVE_MENTION);
}

describe('sanitizeLine', () => {
	test('breaks every kind of mention and keeps the text readable', () => {
		const raw = '@everyone @here @Everyone <@123> <@!123> <@&123> <#123> </ping:123> </admin ban user:123> <@$42>';
		const lines = sanitizeLine(raw);

		expect(lines).toHaveLength(1);
		expect(lines[0]).not.toMatch(LIVE_MENTION);
		expect(lines[0]).toBe(
			'@\u200beveryone @\u200bhere @\u200bEveryone <\u200b@123> <\u200b@!123> <\u200b@&123> <\u200b#123> ' +
				'<\u200b/ping:123> <\u200b/admin ban user:123> <\u200b@$42>',
		);
		expect(visibleText(lines)).toBe(raw);
	});

	test('leaves harmless @ and < alone', () => {
		expect(sanitizeLine('java.lang.Object@1b6d3586 <Steve> a<b user@example.com')).toEqual([
			'java.lang.Object@1b6d3586 <Steve> a<b user@example.com',
		]);
	});

	test('a fence injection cannot close the block or ping anyone', () => {
		const lines = sanitizeLine('```\n@everyone');

		expect(lines).toEqual(['`\u200b`\u200b`', '@\u200beveryone']);
		const block = renderBlock(lines);
		expectSafeBlock(block);
		expect(block).toBe('```ansi\n\u001b[0m`\u200b`\u200b`\n@\u200beveryone\n```');
	});

	test('lines of only backticks, or ending in backticks, stay inside the block', () => {
		const lines = [...sanitizeLine('``````'), ...sanitizeLine('tail``'), ...sanitizeLine('``')];

		expect(lines).toEqual(['`\u200b`\u200b`\u200b`\u200b`\u200b`', 'tail`\u200b`', '`\u200b`']);
		expectSafeBlock(renderBlock(lines));
	});

	test('backticks joined by a stripped colour code are still broken up', () => {
		expect(sanitizeLine('`\u001b[31m``', { keepAnsi: false })).toEqual(['`\u200b`\u200b`']);
		expect(sanitizeLine('`\u0000`')).toEqual(['`\u200b`']);
	});

	test('maps a Paper server log to the codes Discord draws', () => {
		const log = [
			"\u001b[33;1m[12:00:01 WARN]: Can't keep up! Is the server overloaded? Running 2034ms or 40 ticks behind\u001b[m",
			'[12:00:02 INFO]: \u001b[0;32;1m[LuckPerms] \u001b[0;37mLoading configuration...\u001b[m',
			'[12:00:03 INFO]: \u001b[38;2;255;170;0mGold \u001b[21mbold gold\u001b[m and \u001b[38;2;85;255;85mgreen\u001b[m',
			'>\r\u001b[K[12:00:04 INFO]: <Steve> hey @everyone look <@&1234567890>',
			'[12:00:05 INFO]: Done (5.123s)! For help, type "help"',
		];

		expect(log.flatMap((line) => sanitizeLine(line))).toEqual([
			"\u001b[1;33m[12:00:01 WARN]: Can't keep up! Is the server overloaded? Running 2034ms or 40 ticks behind\u001b[0m",
			'[12:00:02 INFO]: \u001b[1;32m[LuckPerms] \u001b[0;37mLoading configuration...\u001b[0m',
			'[12:00:03 INFO]: \u001b[33mGold \u001b[1mbold gold\u001b[0m and \u001b[32mgreen\u001b[0m',
			'[12:00:04 INFO]: <Steve> hey @\u200beveryone look <\u200b@&1234567890>',
			'[12:00:05 INFO]: Done (5.123s)! For help, type "help"',
		]);
		expect(log.flatMap((line) => sanitizeLine(line, { keepAnsi: false }))[0]).toBe(
			"[12:00:01 WARN]: Can't keep up! Is the server overloaded? Running 2034ms or 40 ticks behind",
		);
	});

	test('maps 256-colour and truecolour to the nearest of the eight slots', () => {
		expect(sanitizeLine('\u001b[38;5;196mred \u001b[38;5;46mgreen \u001b[48;5;21mon blue\u001b[0m')).toEqual([
			'\u001b[31mred \u001b[32mgreen \u001b[44mon blue\u001b[0m',
		]);
		// Palette 8–15 are the bright colours, drawn bold like 90–97.
		expect(sanitizeLine('\u001b[38;5;9mbright red\u001b[39m plain')).toEqual(['\u001b[1;31mbright red\u001b[0m plain']);
		// The colon form, with and without a colour-space id; the r;g;b values are never read as codes.
		const colonForm = '\u001b[38:2::0:0:255mblue\u001b[38:2:0:170:170mcyan\u001b[38;2;1;4;31mdark\u001b[0m';
		expect(sanitizeLine(colonForm)).toEqual(['\u001b[34mblue\u001b[36mcyan\u001b[30mdark\u001b[0m']);
		expect(sanitizeLine('\u001b[48;2;250;250;250mwhite bg\u001b[49m')).toEqual(['\u001b[47mwhite bg\u001b[0m']);
	});

	test('maps bright codes to colour plus bold, and drops what Discord cannot draw', () => {
		expect(sanitizeLine('\u001b[91mwarn\u001b[39m ok')).toEqual(['\u001b[1;31mwarn\u001b[0m ok']);
		expect(sanitizeLine('\u001b[103mhi\u001b[0m')).toEqual(['\u001b[43mhi\u001b[0m']);
		expect(sanitizeLine('\u001b[2;3;5;7;9;53mplain\u001b[0m')).toEqual(['plain']);
	});

	test('turning bold off restarts the style, since Discord only clears bold on 0', () => {
		expect(sanitizeLine('\u001b[1;31mA\u001b[22mB')).toEqual(['\u001b[1;31mA\u001b[0;31mB\u001b[0m']);
	});

	test('strips OSC titles, however they end', () => {
		expect(sanitizeLine('\u001b]0;Minecraft server\u0007[INFO] ready')).toEqual(['[INFO] ready']);
		expect(sanitizeLine('\u001b]2;title\u001b\\after')).toEqual(['after']);
		expect(sanitizeLine('\u009d8;;https://evil.example\u009clink')).toEqual(['link']);
		expect(sanitizeLine('\u001b]0;unterminated @everyone')).toEqual([]);
		expect(sanitizeLine('\u001b]0;title\nnext line')).toEqual(['next line']);
	});

	test('strips cursor movement, erase and other CSI sequences without residue', () => {
		expect(sanitizeLine('x\u001b[2K\u001b[1;1Hy\u001b[?25l\u001b[3Jz\u001b[1Gq')).toEqual(['xyzq']);
		expect(sanitizeLine('a\u001b7b\u001b(Bc\u001bMd')).toEqual(['abcd']);
		expect(sanitizeLine('a\u009b31mb')).toEqual(['a\u001b[31mb\u001b[0m']);
		expect(sanitizeLine('half \u001b[31')).toEqual(['half ']);
		expect(sanitizeLine('lone \u001b')).toEqual(['lone ']);
	});

	test('keeps what a carriage-return progress bar shows last', () => {
		expect(sanitizeLine('Downloading 10%\rDownloading 55%\rDownloading 100%')).toEqual(['Downloading 100%']);
		expect(sanitizeLine('\u001b[32mLoading 10%\rLoading 100%')).toEqual(['\u001b[32mLoading 100%\u001b[0m']);
		expect(sanitizeLine('CRLF line\r')).toEqual(['CRLF line']);
		// An overwrite that prints nothing erases nothing.
		expect(sanitizeLine('done\r\u001b[K')).toEqual(['done']);
	});

	test('splits a 10 000-character coloured line into readable pieces that add up to it', () => {
		const words = Array.from({ length: 1_000 }, (_, index) => `word${String(index).padStart(6, '0')}`);
		// Odd-length words too, so that piece boundaries land mid-word and right after colour codes.
		words[3] = 'odd';
		words[4] = 'lengths!!!!!!!!!!';
		const raw = words.map((word, index) => `\u001b[${31 + (index % 7)}m${word}`).join('');
		const text = words.join('');
		expect(text).toHaveLength(10_000);

		const lines = sanitizeLine(raw);

		expect(lines.length).toBeGreaterThan(5);
		for (const line of lines) {
			expectSafeLine(line, DEFAULT_MAX_LINE_LENGTH, true);
			expect(line.startsWith('\u001b[3')).toBe(true);
		}

		expect(visibleText(lines)).toBe(text);
		for (const block of packBlocks(lines)) expectSafeBlock(renderBlock(block));
	});

	test('splits long lines at exactly the limit', () => {
		expect(sanitizeLine('x'.repeat(25), { maxLineLength: 10 })).toEqual([
			'x'.repeat(10),
			'x'.repeat(10),
			'x'.repeat(5),
		]);
		// A styled piece keeps room for the reset that closes it.
		expect(sanitizeLine(`\u001b[31m${'x'.repeat(8)}`, { maxLineLength: 12 })).toEqual([
			'\u001b[31mxxx\u001b[0m',
			'\u001b[31mxxx\u001b[0m',
			'\u001b[31mxx\u001b[0m',
		]);
	});

	test('shows text unstyled rather than dropping it when the limit is too small for codes', () => {
		const lines = sanitizeLine('\u001b[1;4;31;42mabcde', { maxLineLength: 5 });

		expect(lines.join('')).toBe('abcde');
		for (const line of lines) expect(line.length).toBeLessThanOrEqual(5);
	});

	test('replaces lone surrogates and never splits a pair', () => {
		expect(sanitizeLine('a\ud800b\udc00c')).toEqual(['a\ufffdb\ufffdc']);
		expect(sanitizeLine('\ud83d')).toEqual(['\ufffd']);
		expect(sanitizeLine('a😀b😀', { maxLineLength: 2 })).toEqual(['a', '😀', 'b', '😀']);
	});

	test('strips NUL, DEL, C0 and C1 controls and bidi overrides, and keeps tabs', () => {
		expect(sanitizeLine('a\u0000b\u0007c\u0008d\u007fe\u0085f\u202eg\u2066h\tafter tab')).toEqual([
			'abcdefgh\tafter tab',
		]);
	});

	test('treats embedded line breaks as line breaks, and tells empty lines from noise', () => {
		expect(sanitizeLine('a\nb\n')).toEqual(['a', 'b']);
		expect(sanitizeLine('a\u2028b')).toEqual(['a', 'b']);
		expect(sanitizeLine('')).toEqual(['']);
		expect(sanitizeLine('\r')).toEqual(['']);
		expect(sanitizeLine('a\n\nb')).toEqual(['a', '', 'b']);
		expect(sanitizeLine('\u001b[0m')).toEqual([]);
		expect(sanitizeLine('\u001b[31mred\nstill red')).toEqual([
			'\u001b[31mred\u001b[0m',
			'\u001b[31mstill red\u001b[0m',
		]);
	});

	test('rejects a line length nothing fits in', () => {
		expect(() => sanitizeLine('x', { maxLineLength: 1 })).toThrow(RangeError);
		expect(() => sanitizeLine('x', { maxLineLength: 2.5 })).toThrow(RangeError);
	});
});

describe('sanitizeLine firstLineLength', () => {
	test('the first piece fills the given room and the rest keep the colour and the whole text', () => {
		const raw = `\u001b[33m${'a'.repeat(50)}\u001b[0m plain ${'b'.repeat(30)}`;
		const [first, ...rest] = sanitizeLine(raw, { firstLineLength: 20 });
		expect(first?.length).toBeLessThanOrEqual(20);
		expect(first?.startsWith('\u001b[33m')).toBe(true);
		expect(rest[0]?.startsWith('\u001b[33m')).toBe(true);
		const text = [first, ...rest].join('').replace(/\u001b\[[\d;]*m/g, '');
		expect(text).toBe(`${'a'.repeat(50)} plain ${'b'.repeat(30)}`);
		expect(() => sanitizeLine('x', { firstLineLength: 1 })).toThrow(RangeError);
	});
});

describe('sanitizeInline', () => {
	test('strips ANSI and controls, flattens lines, and breaks mentions and fences', () => {
		expect(sanitizeInline('\u001b[31mhello\u001b[0m\n@here `` ``` world\t!\u0000', 100)).toBe(
			'hello @\u200bhere `\u200b` `\u200b`\u200b` world !',
		);
		expect(sanitizeInline('<@123> <#5> </x:1> @everyone', 100)).not.toMatch(LIVE_MENTION);
	});

	test('truncates with an ellipsis without splitting a surrogate pair', () => {
		expect(sanitizeInline('a'.repeat(50), 10)).toBe(`${'a'.repeat(9)}…`);
		expect(sanitizeInline('abc😀def', 5)).toBe('abc…');
		expect(sanitizeInline('short', 5)).toBe('short');
		expect(sanitizeInline('longer', 0)).toBe('');
		expect(() => sanitizeInline('x', -1)).toThrow(RangeError);
	});
});

describe('renderBlock, blockLength and toPlainText', () => {
	test('wraps lines in one ansi block with a leading reset', () => {
		const lines = sanitizeLine('\u001b[31mred\u001b[0m plain');

		expect(renderBlock(lines)).toBe('```ansi\n\u001b[0m\u001b[31mred\u001b[0m plain\n```');
		expect(blockLength(lines)).toBe(renderBlock(lines).length);
	});

	test('an empty block still renders as an ansi block', () => {
		expectSafeBlock(renderBlock([]));
		expectSafeBlock(renderBlock(['', '']));
		expect(blockLength([])).toBe(renderBlock([]).length);
	});

	test('throws RangeError past the message limit, and exactly at it does not', () => {
		const fits = ['x'.repeat(MESSAGE_LIMIT - FENCE_OPEN.length - FENCE_CLOSE.length)];
		expect(renderBlock(fits)).toHaveLength(MESSAGE_LIMIT);
		expect(() => renderBlock([`${fits[0]}x`])).toThrow(RangeError);
		expect(() => renderBlock(['a', 'b'.repeat(MESSAGE_LIMIT)])).toThrow(RangeError);
	});

	test('refuses lines that did not come from sanitizeLine', () => {
		expect(() => renderBlock(['```'])).toThrow(TypeError);
		expect(() => renderBlock(['a\nb'])).toThrow(TypeError);
	});

	test('toPlainText removes every escape', () => {
		const lines = sanitizeLine('\u001b[1;31mred\u001b[0m @everyone\nnext');

		expect(toPlainText(lines)).toBe('red @\u200beveryone\nnext\n');
		expect(toPlainText(['\u001b[31mx\u001b[0m', 'stray \u001b[2K'])).toBe('x\nstray [2K\n');
		expect(toPlainText([])).toBe('');
	});
});

const ADVERSARIAL_TOKENS = [
	'`',
	'``',
	'```',
	'@',
	'everyone',
	'here',
	'EVERYONE',
	'<',
	'<@',
	'<@!',
	'<@&',
	'<#',
	'</',
	'cmd',
	'123',
	'>',
	'\u001b',
	'\u001b[',
	'[',
	'm',
	'0',
	'1',
	'4',
	'31',
	'38',
	'48',
	'5',
	'2',
	'255',
	';',
	':',
	'\n',
	'\r',
	'\t',
	'\u001b]0;',
	'\u0007',
	'\u001b\\',
	'\u009b',
	'\u009d',
	'\u009c',
	'\u0000',
	'\u007f',
	'\u0085',
	'\ud83d',
	'\ude00',
	'😀',
	'\u200b',
	'\u2028',
	'\u202e',
	'K',
	'H',
	'?',
	' ',
	'a',
	'é',
] as const;

const adversarialString = fc
	.array(fc.constantFrom(...ADVERSARIAL_TOKENS), { maxLength: 80 })
	.map((tokens) => tokens.join(''));
const anyUnitString = fc.string({
	unit: fc.integer({ min: 0, max: 0xff_ff }).map((code) => String.fromCharCode(code)),
	maxLength: 200,
});

// Tokens whose printable contribution is known, for checking that no text is lost or invented.
const printableText = fc.string({
	unit: fc.constantFrom(
		...['a', 'Z', ' ', '`', '@', '<', '>', '#', '/', '!', '&', '1', 'everyone', 'here', 'é', '😀', '\t', '\u200b'],
	),
	maxLength: 12,
});
const sgrParameter = fc.oneof(
	fc.integer({ min: 0, max: 109 }).map(String),
	fc.integer({ min: 0, max: 255 }).map((index) => `38;5;${index}`),
	fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)).map(([red, green, blue]) => `48;2;${red};${green};${blue}`),
);
const titleText = fc.string({ unit: fc.constantFrom('t', 'i', '@', '`', ' '), maxLength: 8 });
const invisible = fc.oneof(
	fc.array(sgrParameter, { minLength: 1, maxLength: 4 }).map((parameters) => `\u001b[${parameters.join(';')}m`),
	fc.constantFrom(
		...['\u001b[K', '\u001b[2J', '\u001b[10;5H', '\u001b[?25h', '\u001b7', '\u001b(B', '\u0000', '\u007f', '\u0085'],
	),
	titleText.map((title) => `\u001b]0;${title}\u0007`),
	titleText.map((title) => `\u001b]2;${title}\u001b\\`),
);
const token = fc.oneof(
	printableText.map((text) => ({ raw: text, text, isCarriageReturn: false })),
	invisible.map((raw) => ({ raw, text: '', isCarriageReturn: false })),
	fc.constant({ raw: '\r', text: '', isCarriageReturn: true }),
);

const wellFormedString = fc.array(token, { maxLength: 60 }).map((tokens) => tokens.map((part) => part.raw).join(''));
const rawConsole = fc.oneof(
	adversarialString,
	wellFormedString,
	anyUnitString,
	fc.string({ unit: 'binary', maxLength: 200 }),
);
const lineOptions = fc.record({
	keepAnsi: fc.boolean(),
	maxLineLength: fc.oneof(fc.integer({ min: 2, max: 80 }), fc.constant(DEFAULT_MAX_LINE_LENGTH)),
});

describe('properties', () => {
	test('every output line is short, single, fenced-in, mention-free and control-free', () => {
		fc.assert(
			fc.property(rawConsole, lineOptions, (raw, options) => {
				for (const line of sanitizeLine(raw, options)) expectSafeLine(line, options.maxLineLength, options.keepAnsi);
			}),
			{ numRuns: 1_000 },
		);
	});

	test('packed blocks fit a message and Discord reads each as exactly one ansi block', () => {
		fc.assert(
			fc.property(fc.array(rawConsole, { maxLength: 30 }), fc.boolean(), (raws, keepAnsi) => {
				const lines = raws.flatMap((raw) => sanitizeLine(raw, { keepAnsi }));
				for (const block of packBlocks(lines)) {
					expect(blockLength(block)).toBeLessThanOrEqual(MESSAGE_LIMIT);
					const rendered = renderBlock(block);
					expect(rendered).toHaveLength(blockLength(block));
					expectSafeBlock(rendered);
				}
			}),
			{ numRuns: 300 },
		);
	});

	test('renderBlock throws exactly when blockLength is over the limit', () => {
		fc.assert(
			fc.property(fc.array(fc.nat(700), { maxLength: 6 }), (lengths) => {
				const lines = lengths.map((length) => 'x'.repeat(length));
				if (blockLength(lines) > MESSAGE_LIMIT) expect(() => renderBlock(lines)).toThrow(RangeError);
				else expect(renderBlock(lines)).toHaveLength(blockLength(lines));
			}),
		);
	});

	test('toPlainText never contains an escape character', () => {
		fc.assert(
			fc.property(rawConsole, lineOptions, (raw, options) => {
				const text = toPlainText(sanitizeLine(raw, options));
				expect(text).not.toContain('\u001b');
				expect(text.replaceAll(ZERO_WIDTH_SPACE, '')).toBe(
					sanitizeLine(raw, options)
						.map((line) => `${stripSgr(line).replaceAll(ZERO_WIDTH_SPACE, '')}\n`)
						.join(''),
				);
			}),
			{ numRuns: 300 },
		);
	});

	test('printable text survives exactly: nothing lost, nothing invented', () => {
		fc.assert(
			fc.property(fc.array(token, { maxLength: 40 }), lineOptions, (tokens, options) => {
				const raw = tokens.map((part) => part.raw).join('');
				// Text after the last carriage return that is followed by printable text is what shows.
				let shown = '';
				let segment = '';
				for (const part of tokens) {
					if (part.isCarriageReturn) {
						if (segment !== '') shown = segment;
						segment = '';
					} else {
						segment += part.text;
					}
				}

				if (segment !== '') shown = segment;
				expect(visibleText(sanitizeLine(raw, options))).toBe(shown.replaceAll(ZERO_WIDTH_SPACE, ''));
			}),
			{ numRuns: 1_000 },
		);
	});

	test('sanitizeInline output is short, flat, inert and fence-free', () => {
		fc.assert(
			fc.property(rawConsole, fc.nat(120), (raw, maxLength) => {
				const text = sanitizeInline(raw, maxLength);
				expect(text.length).toBeLessThanOrEqual(maxLength);
				expect(text).not.toContain('\u001b');
				expect(text).not.toContain('\t');
				expect(text).not.toContain('``');
				expect(text).not.toMatch(FORBIDDEN_CONTROL);
				expect(text).not.toMatch(LONE_SURROGATE);
				expect(text).not.toMatch(LIVE_MENTION);
			}),
			{ numRuns: 1_000 },
		);
	});
});
