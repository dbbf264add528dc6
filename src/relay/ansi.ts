/**
 * Terminal text → printable text plus the styling Discord's ```ansi blocks can show.
 *
 * What Discord renders comes from its client's highlight.js grammar for `ansi`: a sequence must match
 * /\x1B\[(\d+(?:[:;]\d+)*)m/, parameters are split on ';', and only 1 (bold), 4 (underline), 30–37,
 * 40–47 are drawn. 0 clears everything, 38/39 clear the foreground and 48/49 the background; nothing
 * but 0 clears bold or underline. Anything else is shown as literal text, so it never leaves here.
 */

/**
 * A style Discord can draw, packed in 10 bits: bit 0 bold, bit 1 underline, bits 2–5 the foreground
 * colour slot + 1 (0 = default), bits 6–9 the background slot + 1. Slots are 0 black … 7 white.
 */
export type Style = number;

export const DEFAULT_STYLE: Style = 0;
export const SGR_RESET = '\u001b[0m';

export interface ScannedLine {
	/** Printable text: no escape sequences, no control characters except tab, no lone surrogates. */
	readonly text: string;
	/** The style of the first character of `text`. */
	readonly initialStyle: Style;
	/** `[position, style, position, style, …]` with ascending positions inside `text`. */
	readonly styleChanges: readonly number[];
	/** The raw line held nothing but carriage returns, so it is a real empty line, not terminal noise. */
	readonly isBlank: boolean;
}

const BOLD = 1;
const UNDERLINE = 2;
const FOREGROUND_SHIFT = 2;
const BACKGROUND_SHIFT = 6;
const COLOUR_MASK = 0b1111;
const STYLE_MASK = 0b11_1111_1111;
// Internal only: the foreground came from a bright code (90–97, palette 8–15), which we draw as bold.
const BRIGHT_FOREGROUND = 1 << 10;

const NUMBER_CAP = 65_535;
const BLACK_SLOT = 0;
const WHITE_SLOT = 7;

/**
 * Splits raw console text into lines (on \n, U+2028, U+2029) and strips everything a terminal would
 * not print. A carriage return makes the next printed text replace the line, as a progress bar
 * expects; one followed by nothing printable erases nothing. The style carries across lines like
 * in a terminal. A trailing line break does not open an empty last line.
 */
export function scanConsoleText(raw: string, keepStyles: boolean): ScannedLine[] {
	const builder = new LineBuilder(keepStyles);
	const length = raw.length;
	let runStart = 0;
	let lineStart = 0;
	let index = 0;

	while (index < length) {
		const code = raw.charCodeAt(index);
		if (isPlainPrintable(code)) {
			index += 1;
			continue;
		}

		if (code >= 0xd8_00 && code <= 0xdb_ff) {
			const next = raw.charCodeAt(index + 1);
			if (next >= 0xdc_00 && next <= 0xdf_ff) {
				index += 2;
				continue;
			}
		}

		builder.append(raw, runStart, index);
		if (code >= 0xd8_00 && code <= 0xdf_ff) {
			builder.append('\ufffd', 0, 1);
			index += 1;
		} else if (code === 0x0a || code === 0x20_28 || code === 0x20_29) {
			builder.endLine(isOnlyCarriageReturns(raw, lineStart, index));
			index += 1;
			lineStart = index;
		} else if (code === 0x0d) {
			builder.overwriteNext();
			index += 1;
		} else if (code === 0x1b) {
			index = skipEscape(raw, index + 1, builder);
		} else if (code === 0x9b) {
			index = skipControlSequence(raw, index + 1, builder);
		} else if (code === 0x90 || code === 0x98 || code === 0x9d || code === 0x9e || code === 0x9f) {
			index = skipControlString(raw, index + 1);
		} else {
			index += 1;
		}

		runStart = index;
	}

	builder.append(raw, runStart, length);
	if (lineStart < length || builder.lines.length === 0) builder.endLine(isOnlyCarriageReturns(raw, lineStart, length));
	return builder.lines;
}

/** The shortest SGR sequence that takes Discord's renderer from one style to another. */
export function styleTransition(from: Style, to: Style): string {
	if (to === DEFAULT_STYLE) return SGR_RESET;
	// Discord only clears bold and underline on 0, so dropping either restarts from nothing.
	if ((from & ~to & (BOLD | UNDERLINE)) !== 0) return `\u001b[0;${styleCodes(DEFAULT_STYLE, to)}m`;
	return `\u001b[${styleCodes(from, to)}m`;
}

function styleCodes(from: Style, to: Style): string {
	const codes: string[] = [];
	if ((to & BOLD) !== 0 && (from & BOLD) === 0) codes.push('1');
	if ((to & UNDERLINE) !== 0 && (from & UNDERLINE) === 0) codes.push('4');

	const foreground = (to >> FOREGROUND_SHIFT) & COLOUR_MASK;
	if (foreground !== ((from >> FOREGROUND_SHIFT) & COLOUR_MASK)) {
		codes.push(foreground === 0 ? '39' : String(29 + foreground));
	}

	const background = (to >> BACKGROUND_SHIFT) & COLOUR_MASK;
	if (background !== ((from >> BACKGROUND_SHIFT) & COLOUR_MASK)) {
		codes.push(background === 0 ? '49' : String(39 + background));
	}

	return codes.join(';');
}

class LineBuilder {
	public readonly lines: ScannedLine[] = [];
	readonly #keepStyles: boolean;
	#attributes = 0;
	#text = '';
	#initialStyle: Style = DEFAULT_STYLE;
	#textStyle: Style = DEFAULT_STYLE;
	#styleChanges: number[] = [];
	#isOverwritePending = false;

	public constructor(keepStyles: boolean) {
		this.#keepStyles = keepStyles;
	}

	public append(source: string, start: number, end: number): void {
		if (start >= end) return;

		const style = visibleStyle(this.#attributes);
		if (this.#isOverwritePending) {
			this.#isOverwritePending = false;
			this.#restart(style);
		} else if (style !== this.#textStyle) {
			if (this.#text.length === 0) this.#initialStyle = style;
			else this.#styleChanges.push(this.#text.length, style);
			this.#textStyle = style;
		}

		this.#text += start === 0 && end === source.length ? source : source.slice(start, end);
	}

	public applySgr(source: string, start: number, end: number): void {
		if (this.#keepStyles) this.#attributes = applySgrParameters(this.#attributes, source, start, end);
	}

	public overwriteNext(): void {
		this.#isOverwritePending = true;
	}

	public endLine(isBlank: boolean): void {
		this.lines.push({
			text: this.#text,
			initialStyle: this.#initialStyle,
			styleChanges: this.#styleChanges,
			isBlank: isBlank && this.#text.length === 0,
		});
		this.#isOverwritePending = false;
		this.#restart(visibleStyle(this.#attributes));
	}

	#restart(style: Style): void {
		this.#text = '';
		this.#styleChanges = [];
		this.#initialStyle = style;
		this.#textStyle = style;
	}
}

function isPlainPrintable(code: number): boolean {
	if (code < 0x7f) return code >= 0x20 || code === 0x09;
	if (code < 0xa0) return false;
	if (code < 0x20_28) return true;
	// Line separators, bidi embeddings/overrides (U+202A–E) and isolates (U+2066–9) are handled
	// elsewhere or dropped: an override can make relayed text read differently from what was printed.
	if (code <= 0x20_2e || (code >= 0x20_66 && code <= 0x20_69)) return false;
	return code < 0xd8_00 || code > 0xdf_ff;
}

function isOnlyCarriageReturns(source: string, start: number, end: number): boolean {
	for (let index = start; index < end; index++) if (source.charCodeAt(index) !== 0x0d) return false;
	return true;
}

/** `start` is just past ESC. Returns where printable text may resume. */
function skipEscape(source: string, start: number, builder: LineBuilder): number {
	if (start >= source.length) return start;

	const code = source.charCodeAt(start);
	if (code === 0x5b) return skipControlSequence(source, start + 1, builder);
	// OSC, DCS, SOS, PM and APC carry a string up to a terminator.
	if (code === 0x5d || code === 0x50 || code === 0x58 || code === 0x5e || code === 0x5f) {
		return skipControlString(source, start + 1);
	}

	let index = start;
	while (index < source.length && isIntermediateByte(source.charCodeAt(index))) index++;
	const final = source.charCodeAt(index);
	// A malformed sequence is dropped up to the byte that broke it, which is then read afresh.
	return final >= 0x30 && final <= 0x7e ? index + 1 : index;
}

/** `start` is just past ESC [ or CSI. */
function skipControlSequence(source: string, start: number, builder: LineBuilder): number {
	let index = start;
	while (index < source.length && isParameterByte(source.charCodeAt(index))) index++;
	const parametersEnd = index;
	while (index < source.length && isIntermediateByte(source.charCodeAt(index))) index++;
	if (index >= source.length) return index;

	const final = source.charCodeAt(index);
	if (final < 0x40 || final > 0x7e) return index;
	if (final === 0x6d && parametersEnd === index && isSgrParameterList(source, start, parametersEnd)) {
		builder.applySgr(source, start, parametersEnd);
	}

	return index + 1;
}

/** `start` is just past the introducer. BEL, ST (ESC \ or U+009C), CAN and SUB end the string. */
function skipControlString(source: string, start: number): number {
	for (let index = start; index < source.length; index++) {
		const code = source.charCodeAt(index);
		if (code === 0x07 || code === 0x9c || code === 0x18 || code === 0x1a) return index + 1;
		if (code === 0x1b) return source.charCodeAt(index + 1) === 0x5c ? index + 2 : index;
		// An unterminated title must not swallow the following lines.
		if (code === 0x0a || code === 0x20_28 || code === 0x20_29) return index;
	}

	return source.length;
}

function isParameterByte(code: number): boolean {
	return code >= 0x30 && code <= 0x3f;
}

function isIntermediateByte(code: number): boolean {
	return code >= 0x20 && code <= 0x2f;
}

function isSgrParameterList(source: string, start: number, end: number): boolean {
	for (let index = start; index < end; index++) {
		const code = source.charCodeAt(index);
		if (code > 0x3b) return false;
	}

	return true;
}

function visibleStyle(attributes: number): Style {
	return (attributes & STYLE_MASK) | ((attributes & BRIGHT_FOREGROUND) === 0 ? 0 : BOLD);
}

function applySgrParameters(attributes: number, source: string, start: number, end: number): number {
	// Parameters are ';'-separated; ':' joins sub-parameters (38:2::r:g:b) to the one before it.
	const values: number[] = [];
	const isSubParameter: boolean[] = [];
	let value = 0;
	let isNextSubParameter = false;
	for (let index = start; index <= end; index++) {
		const code = index < end ? source.charCodeAt(index) : 0x3b;
		if (code <= 0x39) {
			value = Math.min(value * 10 + (code - 0x30), NUMBER_CAP);
			continue;
		}

		values.push(value);
		isSubParameter.push(isNextSubParameter);
		value = 0;
		isNextSubParameter = code === 0x3a;
	}

	let result = attributes;
	for (let index = 0; index < values.length; index++) {
		if (isSubParameter[index]) continue;

		const code = values[index] ?? 0;
		let subEnd = index + 1;
		while (subEnd < values.length && isSubParameter[subEnd]) subEnd++;
		const hasSubParameters = subEnd > index + 1;

		if (code === 38 || code === 48 || code === 58) {
			let colour: number;
			if (hasSubParameters) {
				colour = readExtendedColour(values, index + 1, subEnd, true);
			} else {
				colour = readExtendedColour(values, index + 1, values.length, false);
				index += extendedColourLength(values, index + 1);
			}

			// 58 (underline colour) is not drawn by Discord; its parameters are skipped all the same.
			if (colour >= 0 && code === 38) result = withForeground(result, colour);
			else if (colour >= 0 && code === 48) result = withBackground(result, colour);
			continue;
		}

		if (code === 4 && hasSubParameters) {
			// 4:0 is "no underline"; 4:1–5 are underline shapes Discord draws as one.
			result = values[index + 1] === 0 ? result & ~UNDERLINE : result | UNDERLINE;
			continue;
		}

		result = applySimpleCode(result, code);
	}

	return result;
}

/** Encodes an extended colour as slot (0–7) plus 8 when bright; -1 when absent or malformed. */
function readExtendedColour(values: readonly number[], start: number, end: number, isColonForm: boolean): number {
	const mode = values[start];
	if (mode === 5 && start + 1 < end) {
		const index = values[start + 1] ?? 0;
		return index <= 255 ? paletteColour(index) : -1;
	}

	if (mode === 2) {
		// The colon form may carry a colour-space id before r:g:b (38:2:id:r:g:b).
		const offset = isColonForm && end - start >= 5 ? start + 2 : start + 1;
		if (offset + 2 >= end) return -1;
		return rgbSlot(values[offset] ?? 0, values[offset + 1] ?? 0, values[offset + 2] ?? 0);
	}

	return -1;
}

/** How many ';'-separated parameters after 38/48/58 belong to it, so they are not read as codes. */
function extendedColourLength(values: readonly number[], start: number): number {
	const available = values.length - start;
	const mode = values[start];
	if (mode === 5) return Math.min(2, available);
	if (mode === 2) return Math.min(4, available);
	return Math.min(1, available);
}

function applySimpleCode(attributes: number, code: number): number {
	if (code === 0) return 0;
	// 21 is "double underline" to ECMA-48, but Minecraft's console (TerminalConsoleAppender, Paper)
	// prints §l bold as 21, and game consoles are what we relay.
	if (code === 1 || code === 21) return attributes | BOLD;
	if (code === 22) return attributes & ~BOLD;
	if (code === 4) return attributes | UNDERLINE;
	if (code === 24) return attributes & ~UNDERLINE;
	if (code >= 30 && code <= 37) return withForeground(attributes, code - 30);
	if (code === 39) return attributes & ~((COLOUR_MASK << FOREGROUND_SHIFT) | BRIGHT_FOREGROUND);
	if (code >= 40 && code <= 47) return withBackground(attributes, code - 40);
	if (code === 49) return attributes & ~(COLOUR_MASK << BACKGROUND_SHIFT);
	if (code >= 90 && code <= 97) return withForeground(attributes, code - 90 + 8);
	if (code >= 100 && code <= 107) return withBackground(attributes, code - 100);
	// Dim, italic, blink, inverse, conceal, strike-through, overline…: Discord has no way to show them.
	return attributes;
}

function withForeground(attributes: number, colour: number): number {
	const cleared = attributes & ~((COLOUR_MASK << FOREGROUND_SHIFT) | BRIGHT_FOREGROUND);
	return cleared | (((colour & 7) + 1) << FOREGROUND_SHIFT) | (colour >= 8 ? BRIGHT_FOREGROUND : 0);
}

function withBackground(attributes: number, colour: number): number {
	return (attributes & ~(COLOUR_MASK << BACKGROUND_SHIFT)) | (((colour & 7) + 1) << BACKGROUND_SHIFT);
}

/** xterm's 256-colour palette: 0–15 are the named colours, then a 6×6×6 cube, then 24 greys. */
function paletteColour(index: number): number {
	if (index < 16) return index;
	if (index >= 232) {
		const level = 8 + (index - 232) * 10;
		return rgbSlot(level, level, level);
	}

	const cube = index - 16;
	return rgbSlot(cubeLevel(Math.floor(cube / 36)), cubeLevel(Math.floor(cube / 6) % 6), cubeLevel(cube % 6));
}

function cubeLevel(step: number): number {
	return step === 0 ? 0 : 55 + step * 40;
}

/**
 * Nearest of the eight slots by hue rather than RGB distance: Discord paints the slots in desaturated
 * Solarized tones, against which plain distance turns gold (#ffaa00) red; by hue it stays yellow.
 */
function rgbSlot(red: number, green: number, blue: number): number {
	const max = Math.max(red, green, blue);
	const chroma = max - Math.min(red, green, blue);
	// Dark or washed-out colours are greys: Discord's 30 is a grey, 37 white.
	if (max < 48 || chroma * 10 < max * 3) return max >= 160 ? WHITE_SLOT : BLACK_SLOT;

	let hue: number;
	if (max === red) hue = (((green - blue) / chroma + 6) % 6) * 60;
	else if (max === green) hue = ((blue - red) / chroma + 2) * 60;
	else hue = ((red - green) / chroma + 4) * 60;

	// Slots: 1 red, 2 green, 3 yellow, 4 blue, 5 magenta, 6 cyan.
	if (hue < 20) return 1;
	if (hue < 70) return 3;
	if (hue < 165) return 2;
	if (hue < 195) return 6;
	if (hue < 265) return 4;
	if (hue < 330) return 5;
	return 1;
}
