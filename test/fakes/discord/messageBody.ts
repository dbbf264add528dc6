import { z } from 'zod';
import { DiscordHttpError, invalidFormBody, parseOrThrow } from './DiscordHttpError.ts';

export const MESSAGE_FLAGS = {
	suppressEmbeds: 1 << 2,
	ephemeral: 1 << 6,
	loading: 1 << 7,
	suppressNotifications: 1 << 12,
	componentsV2: 1 << 15,
} as const;

const MAX_CONTENT_LENGTH = 2_000;
const MAX_EMBEDS = 10;
const MAX_EMBED_TOTAL_LENGTH = 6_000;
const MAX_ACTION_ROWS = 5;
const MAX_ROW_COMPONENTS = 5;
const MAX_CUSTOM_ID_LENGTH = 100;
const MAX_BUTTON_LABEL_LENGTH = 80;

const embedSchema = z.looseObject({
	title: z.string().optional(),
	description: z.string().optional(),
	fields: z.array(z.looseObject({ name: z.string(), value: z.string() })).optional(),
	footer: z.looseObject({ text: z.string() }).optional(),
	author: z.looseObject({ name: z.string() }).optional(),
});

const messageBodySchema = z.looseObject({
	content: z.string().nullish(),
	embeds: z.array(embedSchema).nullish(),
	components: z.array(z.looseObject({ type: z.number() })).nullish(),
	flags: z.number().int().nullish(),
	attachments: z
		.array(z.looseObject({ id: z.union([z.string(), z.number()]), description: z.string().nullish() }))
		.nullish(),
	nonce: z.union([z.string(), z.number()]).nullish(),
	message_reference: z.looseObject({ message_id: z.string().optional() }).nullish(),
	sticker_ids: z.array(z.string()).nullish(),
	poll: z.unknown().optional(),
});

/** What a create or edit body asks for; an absent field means "leave as is" on edits. */
export interface MessageBody {
	readonly content?: string;
	readonly embeds?: readonly z.infer<typeof embedSchema>[];
	readonly components?: readonly unknown[];
	readonly flags?: number;
	/** Ids to keep (existing snowflakes) or indexes into the uploaded files ("0", "1", ...). */
	readonly attachmentIds?: readonly string[];
	readonly nonce?: string | number;
	readonly referencedMessageId?: string;
	readonly hasStickersOrPoll: boolean;
}

export function parseMessageBody(raw: unknown): MessageBody {
	const body = parseOrThrow(messageBodySchema, raw);
	const parsed: MessageBody = {
		...(body.content !== undefined && { content: body.content ?? '' }),
		...(body.embeds !== undefined && { embeds: body.embeds ?? [] }),
		...(body.components !== undefined && { components: body.components ?? [] }),
		...(body.flags !== undefined && body.flags !== null && { flags: body.flags }),
		...(body.attachments !== undefined && { attachmentIds: (body.attachments ?? []).map((item) => String(item.id)) }),
		...(body.nonce !== undefined && body.nonce !== null && { nonce: body.nonce }),
		...(body.message_reference?.message_id !== undefined && {
			referencedMessageId: body.message_reference.message_id,
		}),
		hasStickersOrPoll: (body.sticker_ids?.length ?? 0) > 0 || (body.poll !== undefined && body.poll !== null),
	};
	validateLimits(parsed);
	return parsed;
}

export interface MessageShape {
	readonly content: string;
	readonly embeds: readonly unknown[];
	readonly components: readonly unknown[];
	readonly attachmentCount: number;
	readonly hasStickersOrPoll: boolean;
}

/** Discord checks the resulting message, so an edit that strips everything fails too. */
export function assertNotEmpty(shape: MessageShape): void {
	if (
		shape.content.trim() === '' &&
		shape.embeds.length === 0 &&
		shape.components.length === 0 &&
		shape.attachmentCount === 0 &&
		!shape.hasStickersOrPoll
	) {
		throw new DiscordHttpError(400, 50_006, 'Cannot send an empty message');
	}
}

function validateLimits(body: MessageBody): void {
	const isComponentsV2 = ((body.flags ?? 0) & MESSAGE_FLAGS.componentsV2) !== 0;
	if (body.content !== undefined && body.content.length > MAX_CONTENT_LENGTH) {
		throw invalidFormBody(['content'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_CONTENT_LENGTH} or fewer in length.`);
	}

	if (isComponentsV2 && ((body.content ?? '') !== '' || (body.embeds?.length ?? 0) > 0)) {
		throw invalidComponentsV2Content();
	}

	if (body.embeds) validateEmbeds(body.embeds);
	if (body.components) validateComponents(body.components, isComponentsV2);
}

export function invalidComponentsV2Content(): DiscordHttpError {
	return invalidFormBody(
		['content'],
		'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
		"The 'content' and 'embeds' fields cannot be used when using MessageFlags.IS_COMPONENTS_V2",
	);
}

function validateEmbeds(embeds: NonNullable<MessageBody['embeds']>): void {
	if (embeds.length > MAX_EMBEDS) {
		throw invalidFormBody(['embeds'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_EMBEDS} or fewer in length.`);
	}

	let total = 0;
	for (const [index, embed] of embeds.entries()) {
		const checks: [readonly (string | number)[], string | undefined, number][] = [
			[['title'], embed.title, 256],
			[['description'], embed.description, 4_096],
			[['footer', 'text'], embed.footer?.text, 2_048],
			[['author', 'name'], embed.author?.name, 256],
		];
		for (const [fieldIndex, field] of (embed.fields ?? []).entries()) {
			checks.push(
				[['fields', fieldIndex, 'name'], field.name, 256],
				[['fields', fieldIndex, 'value'], field.value, 1_024],
			);
		}

		if ((embed.fields?.length ?? 0) > 25) {
			throw invalidFormBody(['embeds', index, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
		}

		for (const [path, text, maxLength] of checks) {
			if (text === undefined) continue;
			total += text.length;
			if (text.length > maxLength) {
				throw invalidFormBody(
					['embeds', index, ...path],
					'BASE_TYPE_MAX_LENGTH',
					`Must be ${maxLength} or fewer in length.`,
				);
			}
		}
	}

	if (total > MAX_EMBED_TOTAL_LENGTH) {
		throw invalidFormBody(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
	}
}

function validateComponents(components: readonly unknown[], isComponentsV2: boolean): void {
	if (!isComponentsV2 && components.length > MAX_ACTION_ROWS) {
		throw invalidFormBody(['components'], 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ACTION_ROWS} or fewer in length.`);
	}

	walkComponents(components, ['components']);
}

function walkComponents(components: readonly unknown[], path: readonly (string | number)[]): void {
	for (const [index, component] of components.entries()) {
		if (!isRecord(component)) continue;
		const here = [...path, index];
		if (typeof component.custom_id === 'string' && component.custom_id.length > MAX_CUSTOM_ID_LENGTH) {
			throw invalidFormBody(
				[...here, 'custom_id'],
				'BASE_TYPE_MAX_LENGTH',
				`Must be ${MAX_CUSTOM_ID_LENGTH} or fewer in length.`,
			);
		}

		const label = component.type === 2 && typeof component.label === 'string' ? component.label : '';
		if (label.length > MAX_BUTTON_LABEL_LENGTH) {
			throw invalidFormBody(
				[...here, 'label'],
				'BASE_TYPE_MAX_LENGTH',
				`Must be ${MAX_BUTTON_LABEL_LENGTH} or fewer in length.`,
			);
		}

		if (Array.isArray(component.components)) {
			if (component.type === 1 && component.components.length > MAX_ROW_COMPONENTS) {
				throw invalidFormBody(
					[...here, 'components'],
					'BASE_TYPE_MAX_LENGTH',
					`Must be ${MAX_ROW_COMPONENTS} or fewer in length.`,
				);
			}

			walkComponents(component.components, [...here, 'components']);
		}

		if (typeof component.accessory === 'object' && component.accessory !== null) {
			walkComponents([component.accessory], [...here, 'accessory']);
		}

		if (typeof component.component === 'object' && component.component !== null) {
			walkComponents([component.component], [...here, 'component']);
		}
	}
}

const modalSchema = z.looseObject({
	custom_id: z.string().min(1).max(MAX_CUSTOM_ID_LENGTH),
	title: z.string().min(1).max(45),
	components: z.array(z.looseObject({ type: z.number() })).min(1).max(5),
});

export type ModalBody = z.infer<typeof modalSchema>;

export function parseModalBody(raw: unknown): ModalBody {
	return parseOrThrow(modalSchema, raw, ['data']);
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
