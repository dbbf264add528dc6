import { z } from 'zod';
import { invalidFormBody, parseOrThrow } from './DiscordHttpError.ts';

/** Discord's documented name rule; chat input names must also be lowercase. */
const NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const MAX_OPTIONS = 25;
const MAX_CHOICES = 25;
const CHAT_INPUT = 1;
const SUBCOMMAND_TYPES = new Set([1, 2]);

const commandSchema = z.looseObject({
	type: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(CHAT_INPUT),
	name: z.string(),
	description: z.string().max(100).optional(),
	options: z.array(z.unknown()).max(MAX_OPTIONS).optional(),
});

const optionSchema = z.looseObject({
	type: z.number().int().min(1).max(11),
	name: z.string(),
	description: z.string().min(1).max(100),
	required: z.boolean().optional(),
	autocomplete: z.boolean().optional(),
	choices: z
		.array(z.looseObject({ name: z.string().min(1).max(100), value: z.union([z.string().max(100), z.number()]) }))
		.max(MAX_CHOICES)
		.optional(),
	options: z.array(z.unknown()).max(MAX_OPTIONS).optional(),
});

export type CommandBody = z.infer<typeof commandSchema>;

/** Validates a bulk overwrite the way Discord would reject it, so a deploy test fails for the right reason. */
export function parseCommandList(raw: unknown): CommandBody[] {
	const list = parseOrThrow(z.array(z.unknown()).max(200), raw);
	const commands = list.map((item, index) => parseCommand(item, [index]));
	const seen = new Set<string>();
	for (const [index, command] of commands.entries()) {
		const key = `${command.type}:${command.name}`;
		if (seen.has(key)) {
			throw invalidFormBody(
				[index, 'name'],
				'APPLICATION_COMMANDS_DUPLICATE_NAME',
				'Application command names must be unique',
			);
		}

		seen.add(key);
	}

	return commands;
}

export function parseCommand(raw: unknown, path: readonly (string | number)[] = []): CommandBody {
	const command = parseOrThrow(commandSchema, raw, path);
	if (command.type === CHAT_INPUT) {
		checkName(command.name, [...path, 'name']);
		if (!command.description) {
			throw invalidFormBody([...path, 'description'], 'BASE_TYPE_REQUIRED', 'This field is required');
		}
	} else if (command.name.length < 1 || command.name.length > 32) {
		throw invalidFormBody([...path, 'name'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 32 in length.');
	}

	checkOptions(command.options ?? [], [...path, 'options']);
	return command;
}

function checkOptions(options: readonly unknown[], path: readonly (string | number)[]): void {
	const names = new Set<string>();
	let hasOptional = false;
	for (const [index, raw] of options.entries()) {
		const here = [...path, index];
		const option = parseOrThrow(optionSchema, raw, here);
		checkName(option.name, [...here, 'name']);
		if (names.has(option.name)) {
			throw invalidFormBody(
				[...here, 'name'],
				'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS',
				'Option names must be unique',
			);
		}

		names.add(option.name);
		if (option.required && hasOptional) {
			throw invalidFormBody(
				here,
				'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
				'Required options must be placed before non-required options',
			);
		}

		if (!option.required && !SUBCOMMAND_TYPES.has(option.type)) hasOptional = true;
		if (option.autocomplete && option.choices && option.choices.length > 0) {
			throw invalidFormBody(
				[...here, 'autocomplete'],
				'AUTOCOMPLETE_CHOICES_INVALID',
				'Autocomplete cannot be set with choices',
			);
		}

		if (option.options) checkOptions(option.options, [...here, 'options']);
	}
}

function checkName(name: string, path: readonly (string | number)[]): void {
	if (!NAME_PATTERN.test(name) || name !== name.toLowerCase()) {
		throw invalidFormBody(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
	}
}
