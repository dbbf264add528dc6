import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { applicationRoutes } from './applicationRoutes.ts';
import { channelRoutes } from './channelRoutes.ts';
import { DiscordState } from './DiscordState.ts';
import { FakeGateway } from './FakeGateway.ts';
import { FakeRest } from './FakeRest.ts';
import { commandData, interactionPayload, modalSubmitComponents } from './interactionPayloads.ts';
import { interactionRoutes } from './interactionRoutes.ts';
import { guildCreatePayload, guildMembersChunk, messagePayload, readyPayload } from './payloads.ts';
import { RateLimiter } from './RateLimiter.ts';
import type { InteractionKind, JsonObject, StoredChannel, StoredInteraction, StoredMessage } from './records.ts';
import type {
	AutocompleteInput,
	ButtonInput,
	ChatInputInput,
	FakeDiscordOptions,
	FakeInteraction,
	FakeMessage,
	FakeThread,
	MessageInput,
	ModalSubmitInput,
	RecordedRequest,
} from './types.ts';

export type * from './types.ts';

const DEFAULT_HEARTBEAT_INTERVAL_MS = 45_000;
const DEFAULT_INTERACTION_TIMEOUT_MS = 3_000;
const INTERACTION_TYPE = { applicationCommand: 2, messageComponent: 3, autocomplete: 4, modalSubmit: 5 } as const;

/**
 * A Discord REST API and gateway on 127.0.0.1 that the real discord.js Client logs into with
 * `rest: { api: fake.apiUrl }`. Tests inject interactions and messages and read what the bot sent.
 */
export class FakeDiscord {
	/** `http://127.0.0.1:<port>/api`; discord.js appends `/v10`. */
	public readonly apiUrl: string;
	/** The only token REST and the gateway accept. */
	public readonly token: string;
	public readonly applicationId: string;
	public readonly botUserId: string;
	public readonly guildId: string;
	/** A text channel in the guild; interactions happen here unless told otherwise. */
	public readonly channelId: string;

	readonly #server: Server;
	readonly #state: DiscordState;
	readonly #gateway: FakeGateway;
	readonly #rest: FakeRest;

	private constructor(parts: { server: Server; state: DiscordState; gateway: FakeGateway; rest: FakeRest }) {
		this.#server = parts.server;
		this.#state = parts.state;
		this.#gateway = parts.gateway;
		this.#rest = parts.rest;
		this.apiUrl = `${parts.state.baseUrl}/api`;
		this.token = parts.state.token;
		this.applicationId = parts.state.applicationId;
		this.botUserId = parts.state.botUserId;
		this.guildId = parts.state.guildId;
		this.channelId = parts.state.addTextChannel('general').id;
	}

	public static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
		const server = createServer();
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(0, '127.0.0.1', () => resolve());
		});

		const { port } = server.address() as AddressInfo;
		const baseUrl = `http://127.0.0.1:${port}`;
		const gatewayUrl = `ws://127.0.0.1:${port}/gateway`;
		// The closure runs only after `gateway` exists: nothing dispatches during construction.
		const state = new DiscordState({ baseUrl, dispatch: (event, data) => gateway.dispatch(event, data) });
		const gateway = new FakeGateway({
			url: gatewayUrl,
			token: state.token,
			botUserId: state.botUserId,
			heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
			readyPayload: (session) => readyPayload(state, session),
			guildCreatePayload: () => guildCreatePayload(state),
			guildMembersChunk: (request) => guildMembersChunk(state, request),
		});
		const rest = new FakeRest({
			token: state.token,
			rateLimiter: options.rateLimits === false ? null : new RateLimiter(options.rateLimitWindowScale ?? 1),
			routes: [
				...applicationRoutes(state, { gatewayUrl }),
				...channelRoutes(state),
				...interactionRoutes(state, {
					interactionTimeoutMs: options.interactionTimeoutMs ?? DEFAULT_INTERACTION_TIMEOUT_MS,
				}),
			],
		});

		server.on('request', (request, response) => rest.handle(request, response));
		server.on('upgrade', (request, socket, head: Buffer) => {
			if (new URL(request.url ?? '/', baseUrl).pathname === '/gateway') gateway.handleUpgrade(request, socket, head);
			else socket.destroy();
		});
		return new FakeDiscord({ server, state, gateway, rest });
	}

	public async stop(): Promise<void> {
		this.#rest.close();
		await this.#gateway.close();
		this.#server.closeAllConnections();
		await new Promise<void>((resolve) => this.#server.close(() => resolve()));
	}

	public addTextChannel(name = `channel-${this.#state.channels.size + 1}`): string {
		return this.#state.addTextChannel(name).id;
	}

	// Gateway

	public get identifyCount(): number {
		return this.#gateway.identifyCount;
	}

	public get resumeCount(): number {
		return this.#gateway.resumeCount;
	}

	/** Resolves once a client has identified and been sent READY and GUILD_CREATE (at once if one has). */
	public waitForIdentify(): Promise<void> {
		return this.#gateway.waitForIdentify();
	}

	/** Closes every gateway socket. 4000 lets discord.js RESUME; 1000 ends the session. */
	public dropConnections(code = 4_000): void {
		this.#gateway.dropConnections(code);
	}

	// Injection

	public chatInput(input: ChatInputInput): FakeInteraction {
		const interaction = this.#newInteraction('chatInput', INTERACTION_TYPE.applicationCommand, input, {
			channelId: input.channelId ?? this.channelId,
			commandName: input.commandName,
		});
		return this.#dispatchInteraction(interaction, commandData(this.#state, input.commandName, input.options ?? []));
	}

	public autocomplete(input: AutocompleteInput): FakeInteraction {
		const interaction = this.#newInteraction('autocomplete', INTERACTION_TYPE.autocomplete, input, {
			channelId: input.channelId ?? this.channelId,
			commandName: input.commandName,
		});
		return this.#dispatchInteraction(interaction, commandData(this.#state, input.commandName, input.options));
	}

	/** Clicks a button on a stored message, or on a stand-in bot message when the id is unknown or absent. */
	public button(input: ButtonInput): FakeInteraction {
		const stored = input.messageId === undefined ? undefined : this.#state.messages.get(input.messageId);
		const channel = this.#requireChannel(input.channelId ?? stored?.channelId ?? this.channelId);
		const source =
			stored ??
			this.#state.synthesizeComponentMessage(channel, input.customId, input.messageId ?? this.#state.ids.next());
		const interaction = this.#newInteraction('button', INTERACTION_TYPE.messageComponent, input, {
			channelId: channel.id,
			sourceMessageId: source.id,
		});
		return this.#dispatchInteraction(
			interaction,
			{ custom_id: input.customId, component_type: 2 },
			{ message: messagePayload(this.#state, source) },
		);
	}

	/** Submits a modal; if the bot showed one with this custom_id, the payload mirrors its layout. */
	public modalSubmit(input: ModalSubmitInput): FakeInteraction {
		const shown = this.#state.modals.get(input.customId);
		const source = shown?.sourceMessageId ? this.#state.messages.get(shown.sourceMessageId) : undefined;
		const interaction = this.#newInteraction('modalSubmit', INTERACTION_TYPE.modalSubmit, input, {
			channelId: input.channelId ?? shown?.channelId ?? this.channelId,
			sourceMessageId: source?.id ?? null,
		});
		const components = modalSubmitComponents(this.#state, input.customId, input.fields);
		return this.#dispatchInteraction(
			interaction,
			{ custom_id: input.customId, components },
			source ? { message: messagePayload(this.#state, source) } : undefined,
		);
	}

	/** A MESSAGE_CREATE from someone else; stored in the channel like any message. */
	public message(input: MessageInput): { id: string } {
		this.#state.ensureUser(input.userId, { username: input.username, isBot: input.bot });
		const message = this.#state.createMessage(
			this.#requireChannel(input.channelId),
			{ content: input.content, hasStickersOrPoll: false },
			[],
			{ authorId: input.userId, webhookId: input.webhookId ?? null },
		);
		return { id: message.id };
	}

	/** As a moderator would: marks the thread archived and dispatches THREAD_UPDATE. */
	public archiveThread(threadId: string): void {
		this.#state.updateThread(this.#requireThread(threadId), { isArchived: true });
	}

	public deleteThread(threadId: string): void {
		this.#state.deleteChannel(this.#requireThread(threadId));
	}

	// Records

	public get requests(): readonly RecordedRequest[] {
		return this.#rest.requests;
	}

	/** The first request, past or future, that matches; the timeout error lists recent requests. */
	public waitForRequest(
		predicate: (request: RecordedRequest) => boolean,
		timeoutMs?: number,
	): Promise<RecordedRequest> {
		return this.#rest.waitForRequest(predicate, timeoutMs);
	}

	/** How many 429s the fake has sent. */
	public get rateLimitHits(): number {
		return this.#rest.rateLimitHits;
	}

	/** How many 400s the fake has sent (invalid bodies, double acknowledgements, archived threads...). */
	public get badRequests(): number {
		return this.#rest.badRequests;
	}

	/** The channel's history, oldest first; ephemeral replies are not part of it. */
	public channelMessages(channelId: string): FakeMessage[] {
		return this.#state.history(channelId).map(toFakeMessage);
	}

	/** Any stored message by id, ephemeral ones included. */
	public findMessage(messageId: string): FakeMessage | undefined {
		const message = this.#state.messages.get(messageId);
		return message ? toFakeMessage(message) : undefined;
	}

	public thread(threadId: string): FakeThread | undefined {
		const channel = this.#state.channels.get(threadId);
		if (!channel || channel.type === 0 || channel.parentId === null) return undefined;
		return {
			id: channel.id,
			parentId: channel.parentId,
			name: channel.name,
			type: channel.type,
			archived: channel.isArchived,
			locked: channel.isLocked,
			members: [...channel.members],
		};
	}

	/** The original response as it is now, edits included; after deferUpdate/update, the component's message. */
	public interactionReply(interactionToken: string): FakeMessage | undefined {
		const id = this.#state.interactionsByToken.get(interactionToken)?.originalMessageId;
		const message = id ? this.#state.messages.get(id) : undefined;
		return message ? toFakeMessage(message) : undefined;
	}

	public followUps(interactionToken: string): FakeMessage[] {
		const interaction = this.#state.interactionsByToken.get(interactionToken);
		return (interaction?.followUpIds ?? []).flatMap((id) => {
			const message = this.#state.messages.get(id);
			return message ? [toFakeMessage(message)] : [];
		});
	}

	/** Global commands followed by guild commands, as last written. */
	public get commands(): readonly unknown[] {
		return [...this.#state.globalCommands, ...this.#state.guildCommands];
	}

	public get globalCommands(): readonly unknown[] {
		return this.#state.globalCommands;
	}

	public get guildCommands(): readonly unknown[] {
		return this.#state.guildCommands;
	}

	/** Bulk overwrites (PUT) received, global or guild. */
	public get commandWrites(): number {
		return this.#state.commandWrites;
	}

	#newInteraction(
		kind: InteractionKind,
		type: number,
		input: { userId: string; username?: string },
		context: { channelId: string; commandName?: string; sourceMessageId?: string | null },
	): StoredInteraction {
		this.#state.ensureUser(input.userId, { username: input.username });
		const interaction: StoredInteraction = {
			id: this.#state.ids.next(),
			token: `aW50ZXJhY3Rpb246${randomBytes(48).toString('base64url')}`,
			kind,
			type,
			userId: input.userId,
			channelId: this.#requireChannel(context.channelId).id,
			commandName: context.commandName ?? null,
			dispatchedAt: performance.now(),
			sourceMessageId: context.sourceMessageId ?? null,
			callbackType: null,
			originalMessageId: null,
			followUpIds: [],
		};
		this.#state.interactions.set(interaction.id, interaction);
		this.#state.interactionsByToken.set(interaction.token, interaction);
		return interaction;
	}

	#dispatchInteraction(interaction: StoredInteraction, data: JsonObject, extra?: JsonObject): FakeInteraction {
		this.#state.dispatch('INTERACTION_CREATE', interactionPayload(this.#state, interaction, data, extra));
		const { id, token } = interaction;
		const path = `/interactions/${id}/${token}/callback`;
		return {
			id,
			token,
			dispatchedAt: interaction.dispatchedAt,
			callback: (timeoutMs) =>
				this.#rest.waitForRequest((request) => request.method === 'POST' && request.path === path, timeoutMs),
		};
	}

	#requireChannel(channelId: string): StoredChannel {
		const channel = this.#state.channels.get(channelId);
		if (!channel) throw new Error(`FakeDiscord has no channel ${channelId}`);
		return channel;
	}

	#requireThread(threadId: string): StoredChannel {
		const channel = this.#requireChannel(threadId);
		if (channel.type === 0) throw new Error(`FakeDiscord channel ${threadId} is not a thread`);
		return channel;
	}
}

function toFakeMessage(message: StoredMessage): FakeMessage {
	return {
		id: message.id,
		channelId: message.channelId,
		authorId: message.authorId,
		content: message.content,
		embeds: [...message.embeds],
		components: [...message.components],
		attachments: message.attachments.map(({ id, filename, contentType, data }) => ({
			id,
			filename,
			contentType,
			data,
		})),
		flags: message.flags,
		reactions: [...message.reactions],
		edits: message.edits,
		createdAt: message.createdAt,
		editedAt: message.editedAt,
		webhookId: message.webhookId,
	};
}
