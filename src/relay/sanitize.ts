import { DEFAULT_STYLE, SGR_RESET, scanConsoleText, styleTransition } from './ansi.ts';
import type { ScannedLine, Style } from './ansi.ts';

export const MESSAGE_LIMIT = 2_000;
// The reset after the fence matters: Discord's ansi grammar keeps each attribute's on/off flag on the
// shared highlight.js mode, so without it a block can inherit bold or colour from an earlier message.
// It also gives an all-empty block content, which Discord's fence rule requires.
export const FENCE_OPEN = '```ansi\n\u001b[0m';
export const FENCE_CLOSE = '\n```';

const DEFAULT_MAX_LINE_LENGTH = MESSAGE_LIMIT - FENCE_OPEN.length - FENCE_CLOSE.length;
// A surrogate pair, or a character with the breaker glued to it, has to fit on a line.
const MIN_LINE_LENGTH = 2;
const ZERO_WIDTH_SPACE = '\u200b';
const ELLIPSIS = '…';
const ANSI_OR_ESC_PATTERN = /\u001b(?:\[[\d;]*m)?/g;

export interface SanitizeLineOptions {
	/** Keep colours as the SGR codes Discord draws (default), or strip them. */
	keepAnsi?: boolean;
	/** Defaults to what fits one block in one message. */
	maxLineLength?: number;
	/** A shorter limit for the first piece only, to fill the rest of a message that is almost full. */
	firstLineLength?: number;
}

/**
 * One raw console line → zero or more safe display lines (a long line is split, never dropped), each
 * at most `maxLineLength` UTF-16 units and containing no newline. A line that held only control
 * sequences yields nothing; an empty line yields `['']`. Every styled line ends in a reset, so lines
 * can be packed into blocks in any order.
 */
export function sanitizeLine(raw: string, options: SanitizeLineOptions = {}): string[] {
	const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
	if (!Number.isInteger(maxLineLength) || maxLineLength < MIN_LINE_LENGTH) {
		throw new RangeError(`maxLineLength must be an integer of at least ${MIN_LINE_LENGTH}, got ${maxLineLength}`);
	}

	const firstLineLength = options.firstLineLength ?? maxLineLength;
	if (!Number.isInteger(firstLineLength) || firstLineLength < MIN_LINE_LENGTH) {
		throw new RangeError(`firstLineLength must be an integer of at least ${MIN_LINE_LENGTH}, got ${firstLineLength}`);
	}

	const writer = new PieceWriter(maxLineLength, firstLineLength);
	for (const line of scanConsoleText(raw, options.keepAnsi ?? true)) {
		if (line.text.length > 0) writeLine(writer, line);
		else if (line.isBlank) writer.pieces.push('');
	}

	return writer.pieces;
}

/**
 * Plain text for places without code blocks (thread names, embeds, error texts): ANSI stripped,
 * control characters removed, line breaks and tabs turned into spaces, mentions neutralised, no two
 * backticks adjacent; trimmed, then truncated to `maxLength` with an ellipsis.
 */
export function sanitizeInline(raw: string, maxLength: number): string {
	if (!Number.isInteger(maxLength) || maxLength < 0) {
		throw new RangeError(`maxLength must be a non-negative integer, got ${maxLength}`);
	}

	const text = scanConsoleText(raw, false)
		.map((line) => line.text)
		.join(' ')
		.replaceAll('\t', ' ')
		.trim();

	let safe = '';
	let runStart = 0;
	for (let index = 0; index < text.length; index++) {
		const glyph = breakerGlyph(text, index);
		if (glyph === undefined) continue;

		safe += text.slice(runStart, index) + glyph;
		runStart = index + 1;
	}

	return truncate(safe + text.slice(runStart), maxLength);
}

/**
 * Wraps lines from `sanitizeLine` in one ansi code block of at most MESSAGE_LIMIT characters.
 * Throws RangeError if they don't fit (pack with `blockLength`), and TypeError for a line that holds a
 * newline or adjacent backticks, which only unsanitised text can.
 */
export function renderBlock(lines: readonly string[]): string {
	const length = blockLength(lines);
	if (length > MESSAGE_LIMIT) {
		throw new RangeError(`${lines.length} lines take ${length} characters as a block; the limit is ${MESSAGE_LIMIT}`);
	}

	if (lines.some((line) => line.includes('\n') || line.includes('``'))) {
		throw new TypeError('renderBlock takes lines from sanitizeLine; this one could break out of the block');
	}

	return FENCE_OPEN + lines.join('\n') + FENCE_CLOSE;
}

/** `blockLength(lines) === renderBlock(lines).length`, without building the string. */
export function blockLength(lines: readonly string[]): number {
	let length = FENCE_OPEN.length + FENCE_CLOSE.length + Math.max(lines.length - 1, 0);
	for (const line of lines) length += line.length;
	return length;
}

/**
 * Sanitised lines as a text file (one line each, newline-terminated) with ANSI removed. The
 * zero-width breakers stay, so the text is still inert if it ever ends up in a message.
 */
export function toPlainText(lines: readonly string[]): string {
	let text = '';
	for (const line of lines) text += `${line.replace(ANSI_OR_ESC_PATTERN, '')}\n`;
	return text;
}

function writeLine(writer: PieceWriter, line: ScannedLine): void {
	const { text, styleChanges } = line;
	let style = line.initialStyle;
	let change = 0;
	let index = 0;

	while (index < text.length) {
		while (change < styleChanges.length && (styleChanges[change] ?? 0) <= index) {
			style = styleChanges[change + 1] ?? DEFAULT_STYLE;
			change += 2;
		}

		const code = text.charCodeAt(index);
		if (code >= 0xd8_00 && code <= 0xdb_ff) {
			// The scanner only lets paired surrogates through; the pair must not be split across lines.
			writer.writeGlyph(style, text.slice(index, index + 2));
			index += 2;
			continue;
		}

		const glyph = isBreakerCandidate(code) ? breakerGlyph(text, index) : undefined;
		if (glyph !== undefined) {
			writer.writeGlyph(style, glyph);
			index += 1;
			continue;
		}

		const runEnd = styleChanges[change] ?? text.length;
		let end = index + 1;
		while (end < runEnd && !isBreakerCandidate(text.charCodeAt(end)) && !isHighSurrogate(text.charCodeAt(end))) end++;
		writer.writeRun(style, text, index, end);
		index = end;
	}

	writer.finishLine();
}

function isBreakerCandidate(code: number): boolean {
	return code === 0x60 || code === 0x40 || code === 0x3c;
}

function isHighSurrogate(code: number): boolean {
	return code >= 0xd8_00 && code <= 0xdb_ff;
}

/**
 * The character at `index` with a zero-width space that defuses it, or undefined when it is harmless:
 * a backtick after a backtick (no run can open or close a code block), `@` before everyone/here, and
 * `<` before `@`, `#` or `/` (user, role, channel and command mentions).
 */
function breakerGlyph(text: string, index: number): string | undefined {
	const code = text.charCodeAt(index);
	if (code === 0x60) return text.charCodeAt(index - 1) === 0x60 ? ZERO_WIDTH_SPACE + '`' : undefined;

	if (code === 0x40) {
		// Discord matches these case-sensitively; matching any case costs nothing and survives a change.
		const word = text.slice(index + 1, index + 9).toLowerCase();
		return word.startsWith('everyone') || word.startsWith('here') ? '@' + ZERO_WIDTH_SPACE : undefined;
	}

	if (code === 0x3c) {
		const next = text.charCodeAt(index + 1);
		return next === 0x40 || next === 0x23 || next === 0x2f ? '<' + ZERO_WIDTH_SPACE : undefined;
	}

	return undefined;
}

function truncate(text: string, maxLength: number): string {
	if (text.length <= maxLength) return text;
	if (maxLength < ELLIPSIS.length) return '';

	let cut = maxLength - ELLIPSIS.length;
	if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
	return text.slice(0, cut).trimEnd() + ELLIPSIS;
}

/** Fills display lines up to a length, opening each with the style it needs and closing it with a reset. */
class PieceWriter {
	public readonly pieces: string[] = [];
	readonly #maxLength: number;
	readonly #firstMaxLength: number;
	#piece = '';
	#emitted: Style = DEFAULT_STYLE;

	public constructor(maxLength: number, firstMaxLength: number) {
		this.#maxLength = maxLength;
		this.#firstMaxLength = firstMaxLength;
	}

	get #limit(): number {
		return this.pieces.length === 0 ? this.#firstMaxLength : this.#maxLength;
	}

	/** Characters in `text` from `start` to `end` are one unit each and may be split between lines. */
	public writeRun(style: Style, text: string, start: number, end: number): void {
		let index = start;
		while (index < end) {
			const take = Math.min(this.#makeRoom(style, 1), end - index);
			this.#piece += text.slice(index, index + take);
			index += take;
		}
	}

	/** A glyph (at most MIN_LINE_LENGTH units) stays whole. */
	public writeGlyph(style: Style, glyph: string): void {
		this.#makeRoom(style, glyph.length);
		this.#piece += glyph;
	}

	public finishLine(): void {
		if (this.#piece.length > 0) this.#closePiece();
	}

	/** Switches to `style` and returns how many units fit after it, keeping room for the closing reset. */
	#makeRoom(style: Style, needed: number): number {
		for (;;) {
			const transition = style === this.#emitted ? '' : styleTransition(this.#emitted, style);
			const reserve = style === DEFAULT_STYLE ? 0 : SGR_RESET.length;
			const room = this.#limit - this.#piece.length - transition.length - reserve;
			if (room >= needed) {
				this.#piece += transition;
				this.#emitted = style;
				return room;
			}

			if (this.#piece.length > 0) {
				this.#closePiece();
				continue;
			}

			// Too narrow for the style codes even on an empty line: show the text unstyled, never drop it.
			return this.#limit;
		}
	}

	#closePiece(): void {
		if (this.#emitted !== DEFAULT_STYLE) this.#piece += SGR_RESET;
		this.pieces.push(this.#piece);
		this.#piece = '';
		this.#emitted = DEFAULT_STYLE;
	}
}
