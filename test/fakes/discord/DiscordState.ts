import { randomBytes } from 'node:crypto';
import { DiscordHttpError, unknownChannel } from './DiscordHttpError.ts';
import { MESSAGE_FLAGS, assertNotEmpty, invalidComponentsV2Content, type MessageBody } from './messageBody.ts';
import { channelPayload, emojiPayload, memberPayload, messagePayload, threadMemberPayload } from './payloads.ts';
import type {
	InteractionMetadata,
	JsonObject,
	ShownModal,
	StoredAttachment,
	StoredChannel,
	StoredInteraction,
	StoredMessage,
	StoredUser,
} from './records.ts';
import { SnowflakeFactory } from './SnowflakeFactory.ts';
import type { RecordedFile } from './types.ts';

export type Dispatch = (event: string, data: JsonObject) => void;

export interface NewMessage {
	readonly authorId: string;
	readonly type?: number;
	readonly webhookId?: string | null;
	readonly interaction?: InteractionMetadata | null;
	/** Which of the body's flags are honoured; ephemeral only makes sense for interaction responses. */
	readonly allowedFlags?: number;
	/** Flags the fake itself sets, e.g. loading for a deferred reply. */
	readonly extraFlags?: number;
	readonly id?: string;
	/** The empty "thinking" message of a deferred reply, exempt from the empty-message check. */
	readonly isLoadingPlaceholder?: boolean;
}

export interface ThreadPatch {
	readonly name?: string;
	readonly isArchived?: boolean;
	readonly isLocked?: boolean;
	readonly isInvitable?: boolean;
	readonly autoArchiveDuration?: number;
	readonly rateLimitPerUser?: number;
}

const DEFAULT_ALLOWED_FLAGS =
	MESSAGE_FLAGS.suppressEmbeds | MESSAGE_FLAGS.suppressNotifications | MESSAGE_FLAGS.componentsV2;
const EDITABLE_FLAGS = MESSAGE_FLAGS.suppressEmbeds | MESSAGE_FLAGS.componentsV2;

/** The guild, its channels, messages, interactions and commands, plus the operations REST and tests share. */
export class DiscordState {
	public readonly ids = new SnowflakeFactory();
	public readonly baseUrl: string;
	public readonly applicationId: string;
	public readonly botUserId: string;
	public readonly ownerId: string;
	public readonly guildId: string;
	public readonly token: string;

	public readonly users = new Map<string, StoredUser>();
	public readonly channels = new Map<string, StoredChannel>();
	public readonly messages = new Map<string, StoredMessage>();
	public readonly interactions = new Map<string, StoredInteraction>();
	public readonly interactionsByToken = new Map<string, StoredInteraction>();
	/** Last modal shown per custom_id, so a submit can mirror its layout (action rows or labels). */
	public readonly modals = new Map<string, ShownModal>();
	public globalCommands: JsonObject[] = [];
	public guildCommands: JsonObject[] = [];
	public commandWrites = 0;

	readonly #memberIds = new Set<string>();
	readonly #history = new Map<string, string[]>();
	readonly #dispatch: Dispatch;

	public constructor(options: { baseUrl: string; dispatch: Dispatch }) {
		this.baseUrl = options.baseUrl;
		this.#dispatch = options.dispatch;
		// The bot user shares the application's id, as it does for every modern Discord app.
		this.applicationId = this.ids.next();
		this.botUserId = this.applicationId;
		this.ownerId = this.ids.next();
		this.guildId = this.ids.next();
		this.token = [
			Buffer.from(this.botUserId).toString('base64url'),
			randomBytes(4).toString('base64url'),
			randomBytes(27).toString('base64url'),
		].join('.');
		this.ensureUser(this.botUserId, { username: 'Wingman', isBot: true });
		this.ensureUser(this.ownerId, { username: 'owner' });
	}

	public ensureUser(id: string, options?: { username?: string; isBot?: boolean }): StoredUser {
		const existing = this.users.get(id);
		if (existing) return existing;

		const user: StoredUser = {
			id,
			username: options?.username ?? `user${id.slice(-4)}`,
			isBot: options?.isBot ?? false,
			joinedAt: new Date().toISOString(),
		};
		this.users.set(id, user);
		this.#memberIds.add(id);
		return user;
	}

	/** Never fails: ids the fake has not seen become made-up users, as in an injected payload. */
	public user(id: string): StoredUser {
		return this.ensureUser(id);
	}

	public *members(): Iterable<StoredUser> {
		for (const id of this.#memberIds) {
			const user = this.users.get(id);
			if (user) yield user;
		}
	}

	public isMember(id: string): boolean {
		return this.#memberIds.has(id);
	}

	public addTextChannel(name: string): StoredChannel {
		const now = new Date().toISOString();
		const channel: StoredChannel = {
			id: this.ids.next(),
			type: 0,
			name,
			parentId: null,
			position: [...this.channels.values()].filter((existing) => existing.type === 0).length,
			topic: null,
			ownerId: null,
			isArchived: false,
			isLocked: false,
			isInvitable: false,
			autoArchiveDuration: 1_440,
			archiveTimestamp: now,
			createdTimestamp: now,
			rateLimitPerUser: 0,
			lastMessageId: null,
			messageCount: 0,
			members: [],
		};
		this.channels.set(channel.id, channel);
		this.#history.set(channel.id, []);
		this.#dispatch('CHANNEL_CREATE', channelPayload(this, channel));
		return channel;
	}

	public channel(id: string): StoredChannel {
		const channel = this.channels.get(id);
		if (!channel) throw unknownChannel();
		return channel;
	}

	/** Oldest first. */
	public history(channelId: string): StoredMessage[] {
		return (this.#history.get(channelId) ?? []).flatMap((id) => this.messages.get(id) ?? []);
	}

	public createMessage(
		channel: StoredChannel,
		body: MessageBody,
		files: readonly RecordedFile[],
		meta: NewMessage,
	): StoredMessage {
		const flags = ((body.flags ?? 0) & (meta.allowedFlags ?? DEFAULT_ALLOWED_FLAGS)) | (meta.extraFlags ?? 0);
		const attachments = files.map((file) => this.#attachment(file));
		const shape = {
			content: body.content ?? '',
			embeds: [...(body.embeds ?? [])],
			components: [...(body.components ?? [])],
		};
		if (!meta.isLoadingPlaceholder) {
			assertNotEmpty({ ...shape, attachmentCount: attachments.length, hasStickersOrPoll: body.hasStickersOrPoll });
		}

		const isListed = (flags & MESSAGE_FLAGS.ephemeral) === 0;
		if (isListed) this.#reopenForMessage(channel);

		const id = meta.id ?? this.ids.next();
		const message: StoredMessage = {
			id,
			channelId: channel.id,
			authorId: meta.authorId,
			type: meta.type ?? (body.referencedMessageId === undefined ? 0 : 19),
			...shape,
			attachments,
			flags,
			reactions: [],
			edits: 0,
			createdAt: performance.now(),
			timestamp: new Date().toISOString(),
			editedAt: null,
			editedTimestamp: null,
			webhookId: meta.webhookId ?? null,
			interaction: meta.interaction ?? null,
			nonce: body.nonce ?? null,
			referencedMessageId: body.referencedMessageId ?? null,
			threadId: null,
			isListed,
		};
		this.messages.set(id, message);
		if (isListed) {
			this.#history.get(channel.id)?.push(id);
			channel.lastMessageId = id;
			if (channel.type !== 0) channel.messageCount += 1;
			this.#dispatch('MESSAGE_CREATE', messagePayload(this, message, { isForGateway: true }));
		}

		return message;
	}

	/** A message stored only so a component interaction has something to point at. */
	public synthesizeComponentMessage(channel: StoredChannel, customId: string, id: string): StoredMessage {
		const message: StoredMessage = {
			id,
			channelId: channel.id,
			authorId: this.botUserId,
			type: 0,
			content: '',
			embeds: [],
			components: [{ type: 1, components: [{ type: 2, style: 1, label: customId.slice(0, 80), custom_id: customId }] }],
			attachments: [],
			flags: 0,
			reactions: [],
			edits: 0,
			createdAt: performance.now(),
			timestamp: new Date().toISOString(),
			editedAt: null,
			editedTimestamp: null,
			webhookId: null,
			interaction: null,
			nonce: null,
			referencedMessageId: null,
			threadId: null,
			isListed: false,
		};
		this.messages.set(id, message);
		return message;
	}

	public editMessage(
		message: StoredMessage,
		body: MessageBody,
		files: readonly RecordedFile[],
		// Editing an interaction response is what turns a deferred "thinking" message into a real one.
		options?: { isResponseEdit?: boolean },
	): void {
		const content = body.content ?? message.content;
		const embeds = body.embeds ? [...body.embeds] : message.embeds;
		const components = body.components ? [...body.components] : message.components;
		// Without an `attachments` array Discord keeps every existing file; with one, only those listed.
		const kept =
			body.attachmentIds === undefined
				? message.attachments
				: message.attachments.filter((attachment) => body.attachmentIds?.includes(attachment.id));
		const attachments = [...kept, ...files.map((file) => this.#attachment(file))];
		let flags =
			body.flags === undefined ? message.flags : (message.flags & ~EDITABLE_FLAGS) | (body.flags & EDITABLE_FLAGS);
		if (options?.isResponseEdit) flags &= ~MESSAGE_FLAGS.loading;

		assertNotEmpty({ content, embeds, components, attachmentCount: attachments.length, hasStickersOrPoll: false });
		if ((flags & MESSAGE_FLAGS.componentsV2) !== 0 && (content !== '' || embeds.length > 0)) {
			throw invalidComponentsV2Content();
		}

		Object.assign(message, { content, embeds, components, attachments, flags });
		message.edits += 1;
		message.editedAt = performance.now();
		message.editedTimestamp = new Date().toISOString();
		if (message.isListed) this.#dispatch('MESSAGE_UPDATE', messagePayload(this, message, { isForGateway: true }));
	}

	public deleteMessage(message: StoredMessage): void {
		this.messages.delete(message.id);
		const history = this.#history.get(message.channelId);
		const index = history?.indexOf(message.id) ?? -1;
		if (history && index >= 0) history.splice(index, 1);
		if (message.isListed) {
			this.#dispatch('MESSAGE_DELETE', { id: message.id, channel_id: message.channelId, guild_id: this.guildId });
		}
	}

	public addReaction(message: StoredMessage, emoji: string): void {
		if (message.reactions.includes(emoji)) return;
		message.reactions.push(emoji);
		this.#dispatch('MESSAGE_REACTION_ADD', {
			...this.#reactionEvent(message, emoji),
			member: memberPayload(this.user(this.botUserId), { hasUser: true, hasPermissions: false }),
			message_author_id: message.authorId,
			burst: false,
			burst_colors: [],
		});
	}

	public removeReaction(message: StoredMessage, emoji: string): void {
		const index = message.reactions.indexOf(emoji);
		if (index < 0) return;
		message.reactions.splice(index, 1);
		this.#dispatch('MESSAGE_REACTION_REMOVE', { ...this.#reactionEvent(message, emoji), burst: false });
	}

	public createThread(
		parent: StoredChannel,
		options: {
			name: string;
			type: 11 | 12;
			ownerId: string;
			autoArchiveDuration?: number;
			isInvitable?: boolean;
			startMessage?: StoredMessage;
		},
	): StoredChannel {
		const now = new Date().toISOString();
		const thread: StoredChannel = {
			// Discord reuses the starter message's id for a thread started from it.
			id: options.startMessage?.id ?? this.ids.next(),
			type: options.type,
			name: options.name,
			parentId: parent.id,
			position: 0,
			topic: null,
			ownerId: options.ownerId,
			isArchived: false,
			isLocked: false,
			isInvitable: options.isInvitable ?? true,
			autoArchiveDuration: options.autoArchiveDuration ?? 4_320,
			archiveTimestamp: now,
			createdTimestamp: now,
			rateLimitPerUser: 0,
			lastMessageId: null,
			messageCount: 0,
			members: [options.ownerId],
		};
		this.channels.set(thread.id, thread);
		this.#history.set(thread.id, []);
		if (options.startMessage) options.startMessage.threadId = thread.id;
		this.#dispatch('THREAD_CREATE', { ...channelPayload(this, thread, { hasMember: true }), newly_created: true });
		return thread;
	}

	public updateThread(thread: StoredChannel, patch: ThreadPatch): void {
		if (patch.isArchived !== undefined && patch.isArchived !== thread.isArchived) {
			thread.isArchived = patch.isArchived;
			thread.archiveTimestamp = new Date().toISOString();
		}

		if (patch.name !== undefined) thread.name = patch.name;
		if (patch.isLocked !== undefined) thread.isLocked = patch.isLocked;
		if (patch.isInvitable !== undefined) thread.isInvitable = patch.isInvitable;
		if (patch.autoArchiveDuration !== undefined) thread.autoArchiveDuration = patch.autoArchiveDuration;
		if (patch.rateLimitPerUser !== undefined) thread.rateLimitPerUser = patch.rateLimitPerUser;
		this.#dispatch('THREAD_UPDATE', channelPayload(this, thread));
	}

	public updateTextChannel(channel: StoredChannel, patch: { name?: string; topic?: string | null }): void {
		if (patch.name !== undefined) channel.name = patch.name;
		if (patch.topic !== undefined) channel.topic = patch.topic;
		this.#dispatch('CHANNEL_UPDATE', channelPayload(this, channel));
	}

	public deleteChannel(channel: StoredChannel): void {
		const payload = channelPayload(this, channel);
		for (const message of this.history(channel.id)) this.messages.delete(message.id);
		this.channels.delete(channel.id);
		this.#history.delete(channel.id);
		if (channel.type === 0) {
			this.#dispatch('CHANNEL_DELETE', payload);
			return;
		}

		this.#dispatch('THREAD_DELETE', {
			id: channel.id,
			guild_id: this.guildId,
			parent_id: channel.parentId,
			type: channel.type,
		});
	}

	public addThreadMember(thread: StoredChannel, userId: string): void {
		if (thread.members.includes(userId)) return;
		thread.members.push(userId);
		this.#dispatch('THREAD_MEMBERS_UPDATE', {
			id: thread.id,
			guild_id: this.guildId,
			member_count: thread.members.length,
			added_members: [
				{
					...threadMemberPayload(thread, userId, new Date().toISOString()),
					member: memberPayload(this.user(userId), { hasUser: true, hasPermissions: false }),
					presence: null,
				},
			],
		});
	}

	public removeThreadMember(thread: StoredChannel, userId: string): void {
		const index = thread.members.indexOf(userId);
		if (index < 0) return;
		thread.members.splice(index, 1);
		this.#dispatch('THREAD_MEMBERS_UPDATE', {
			id: thread.id,
			guild_id: this.guildId,
			member_count: thread.members.length,
			removed_member_ids: [userId],
		});
	}

	public dispatch(event: string, data: JsonObject): void {
		this.#dispatch(event, data);
	}

	/** Posting in an archived thread unarchives it, unless a moderator locked it. */
	#reopenForMessage(channel: StoredChannel): void {
		if (channel.type === 0 || !channel.isArchived) return;
		if (channel.isLocked) throw new DiscordHttpError(400, 50_083, 'Thread is archived');
		this.updateThread(channel, { isArchived: false });
	}

	#attachment(file: RecordedFile): StoredAttachment {
		return {
			id: this.ids.next(),
			filename: file.name,
			contentType: file.contentType,
			data: file.data,
			description: null,
		};
	}

	#reactionEvent(message: StoredMessage, emoji: string): JsonObject {
		return {
			user_id: this.botUserId,
			channel_id: message.channelId,
			message_id: message.id,
			guild_id: this.guildId,
			emoji: emojiPayload(emoji),
			type: 0,
		};
	}
}
