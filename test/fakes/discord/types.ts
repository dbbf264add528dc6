import type { APIApplicationCommandInteractionDataOption } from 'discord.js';

export interface FakeDiscordOptions {
	/** Sent in HELLO. Default 45_000, Discord's usual value. */
	heartbeatIntervalMs?: number;
	/** Per-route buckets and the global limit. Default true. */
	rateLimits?: boolean;
	/** Multiplies every rate-limit window, so tests can shrink 5 s to 0.5 s with 0.1. Default 1. */
	rateLimitWindowScale?: number;
	/** How long after dispatch an interaction may still be acknowledged. Default 3_000, as on Discord. */
	interactionTimeoutMs?: number;
}

export interface RecordedFile {
	readonly name: string;
	readonly contentType: string;
	readonly data: Buffer;
}

export interface RecordedRequest {
	readonly method: string;
	/** Without the `/api/v10` prefix and without the query string. */
	readonly path: string;
	readonly query: Readonly<Record<string, string>>;
	/** Parsed JSON, or the parsed `payload_json` part of a multipart body. */
	readonly body: unknown;
	readonly files: readonly RecordedFile[];
	readonly status: number;
	/** The JSON the fake answered with, if any. */
	readonly response: unknown;
	/** `performance.now()` when the request arrived. */
	readonly at: number;
	/** Whether an Authorization header was present. */
	readonly authorization: boolean;
}

export interface FakeAttachment {
	readonly id: string;
	readonly filename: string;
	readonly contentType: string;
	readonly data: Buffer;
}

export interface FakeMessage {
	readonly id: string;
	readonly channelId: string;
	readonly authorId: string;
	readonly content: string;
	readonly embeds: readonly unknown[];
	readonly components: readonly unknown[];
	readonly attachments: readonly FakeAttachment[];
	readonly flags: number;
	readonly reactions: readonly string[];
	readonly edits: number;
	/** `performance.now()` at creation. */
	readonly createdAt: number;
	/** `performance.now()` at the last edit, or null. */
	readonly editedAt: number | null;
	readonly webhookId: string | null;
}

export interface FakeThread {
	readonly id: string;
	readonly parentId: string;
	readonly name: string;
	readonly type: 11 | 12;
	readonly archived: boolean;
	readonly locked: boolean;
	readonly members: readonly string[];
}

export interface FakeInteraction {
	readonly id: string;
	readonly token: string;
	/** `performance.now()` when the dispatch was sent. */
	readonly dispatchedAt: number;
	/** Resolves with the first callback request for this interaction, whatever its status. */
	callback(timeoutMs?: number): Promise<RecordedRequest>;
}

export interface ChatInputInput {
	userId: string;
	commandName: string;
	options?: APIApplicationCommandInteractionDataOption[];
	channelId?: string;
	username?: string;
}

export interface AutocompleteInput {
	userId: string;
	commandName: string;
	options: APIApplicationCommandInteractionDataOption[];
	channelId?: string;
	username?: string;
}

export interface ButtonInput {
	userId: string;
	customId: string;
	messageId?: string;
	channelId?: string;
	username?: string;
}

export interface ModalSubmitInput {
	userId: string;
	customId: string;
	fields: Record<string, string>;
	channelId?: string;
	username?: string;
}

export interface MessageInput {
	userId: string;
	channelId: string;
	content: string;
	bot?: boolean;
	webhookId?: string;
	username?: string;
}
