import { PermissionFlagsBits } from 'discord.js';
import type { DiscordState } from './DiscordState.ts';
import type { JsonObject, StoredAttachment, StoredChannel, StoredMessage, StoredUser } from './records.ts';

/** Broad but not Administrator, so permission checks in the bot still mean something. */
export const MEMBER_PERMISSIONS = [
	PermissionFlagsBits.ViewChannel,
	PermissionFlagsBits.SendMessages,
	PermissionFlagsBits.SendMessagesInThreads,
	PermissionFlagsBits.CreatePublicThreads,
	PermissionFlagsBits.CreatePrivateThreads,
	PermissionFlagsBits.ManageThreads,
	PermissionFlagsBits.ManageMessages,
	PermissionFlagsBits.EmbedLinks,
	PermissionFlagsBits.AttachFiles,
	PermissionFlagsBits.ReadMessageHistory,
	PermissionFlagsBits.AddReactions,
	PermissionFlagsBits.UseExternalEmojis,
	PermissionFlagsBits.UseApplicationCommands,
	PermissionFlagsBits.ChangeNickname,
]
	.reduce((all, bit) => all | bit, 0n)
	.toString();

export const ATTACHMENT_SIZE_LIMIT_BYTES = 10_485_760;

export function userPayload(user: StoredUser): JsonObject {
	return {
		id: user.id,
		username: user.username,
		discriminator: '0',
		global_name: user.isBot ? null : user.username,
		avatar: null,
		...(user.isBot && { bot: true }),
		public_flags: 0,
		flags: 0,
		banner: null,
		accent_color: null,
		avatar_decoration_data: null,
	};
}

export function memberPayload(user: StoredUser, options: { hasUser: boolean; hasPermissions: boolean }): JsonObject {
	return {
		...(options.hasUser && { user: userPayload(user) }),
		nick: null,
		avatar: null,
		banner: null,
		roles: [],
		joined_at: user.joinedAt,
		premium_since: null,
		deaf: false,
		mute: false,
		flags: 0,
		pending: false,
		communication_disabled_until: null,
		...(options.hasPermissions && { permissions: MEMBER_PERMISSIONS }),
	};
}

export function everyoneRolePayload(guildId: string): JsonObject {
	return {
		id: guildId,
		name: '@everyone',
		color: 0,
		colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
		hoist: false,
		icon: null,
		unicode_emoji: null,
		position: 0,
		permissions: MEMBER_PERMISSIONS,
		managed: false,
		mentionable: false,
		flags: 0,
	};
}

export function channelPayload(
	state: DiscordState,
	channel: StoredChannel,
	options?: { hasMember: boolean },
): JsonObject {
	if (channel.type === 0) {
		return {
			id: channel.id,
			type: 0,
			guild_id: state.guildId,
			name: channel.name,
			position: channel.position,
			permission_overwrites: [],
			parent_id: null,
			topic: channel.topic,
			nsfw: false,
			last_message_id: channel.lastMessageId,
			rate_limit_per_user: channel.rateLimitPerUser,
			flags: 0,
		};
	}

	const isBotMember = channel.members.includes(state.botUserId);
	return {
		id: channel.id,
		type: channel.type,
		guild_id: state.guildId,
		parent_id: channel.parentId,
		owner_id: channel.ownerId,
		name: channel.name,
		last_message_id: channel.lastMessageId,
		message_count: channel.messageCount,
		total_message_sent: channel.messageCount,
		member_count: channel.members.length,
		rate_limit_per_user: channel.rateLimitPerUser,
		flags: 0,
		thread_metadata: {
			archived: channel.isArchived,
			auto_archive_duration: channel.autoArchiveDuration,
			archive_timestamp: channel.archiveTimestamp,
			locked: channel.isLocked,
			create_timestamp: channel.createdTimestamp,
			...(channel.type === 12 && { invitable: channel.isInvitable }),
		},
		...(options?.hasMember &&
			isBotMember && { member: threadMemberPayload(channel, state.botUserId, channel.createdTimestamp) }),
	};
}

export function threadMemberPayload(thread: StoredChannel, userId: string, joinedAt: string): JsonObject {
	return { id: thread.id, user_id: userId, join_timestamp: joinedAt, flags: 0 };
}

export function attachmentPayload(state: DiscordState, channelId: string, attachment: StoredAttachment): JsonObject {
	const url = `${state.baseUrl}/attachments/${channelId}/${attachment.id}/${encodeURIComponent(attachment.filename)}`;
	return {
		id: attachment.id,
		filename: attachment.filename,
		size: attachment.data.length,
		url,
		proxy_url: url,
		content_type: attachment.contentType,
		...(attachment.description !== null && { description: attachment.description }),
	};
}

/** REST shape; `isForGateway` adds what MESSAGE_CREATE carries on top (guild_id, member, channel_type). */
export function messagePayload(
	state: DiscordState,
	message: StoredMessage,
	options?: { isForGateway: boolean },
): JsonObject {
	const author = state.user(message.authorId);
	const channel = state.channels.get(message.channelId);
	const interaction = message.interaction;
	const mentionedIds = [...message.content.matchAll(/<@!?(\d{17,20})>/g)].map((match) => match[1] ?? '');
	return {
		id: message.id,
		type: message.type,
		channel_id: message.channelId,
		author: userPayload(author),
		content: message.content,
		timestamp: message.timestamp,
		edited_timestamp: message.editedTimestamp,
		tts: false,
		mention_everyone: false,
		mentions: [...new Set(mentionedIds)].filter((id) => state.users.has(id)).map((id) => userPayload(state.user(id))),
		mention_roles: [],
		attachments: message.attachments.map((attachment) => attachmentPayload(state, message.channelId, attachment)),
		embeds: message.embeds,
		components: message.components,
		pinned: false,
		flags: message.flags,
		...(message.reactions.length > 0 && {
			reactions: message.reactions.map((emoji) => ({
				count: 1,
				count_details: { burst: 0, normal: 1 },
				me: true,
				me_burst: false,
				burst_colors: [],
				emoji: emojiPayload(emoji),
			})),
		}),
		...(message.nonce !== null && { nonce: message.nonce }),
		...(message.webhookId !== null && { webhook_id: message.webhookId }),
		...(interaction && {
			application_id: state.applicationId,
			interaction_metadata: {
				id: interaction.id,
				type: interaction.type,
				user: userPayload(state.user(interaction.userId)),
				authorizing_integration_owners: { '0': state.guildId },
				...(interaction.commandName !== null && { name: interaction.commandName, command_type: 1 }),
				...(interaction.originalResponseMessageId !== null && {
					original_response_message_id: interaction.originalResponseMessageId,
				}),
				...(interaction.interactedMessageId !== null && { interacted_message_id: interaction.interactedMessageId }),
			},
			...(interaction.commandName !== null && {
				interaction: {
					id: interaction.id,
					type: interaction.type,
					name: interaction.commandName,
					user: userPayload(state.user(interaction.userId)),
				},
			}),
		}),
		...(message.referencedMessageId !== null && {
			message_reference: {
				type: 0,
				message_id: message.referencedMessageId,
				channel_id: message.channelId,
				guild_id: state.guildId,
			},
		}),
		...(message.threadId !== null && threadPayloadFor(state, message.threadId)),
		...(options?.isForGateway && {
			guild_id: state.guildId,
			member: memberPayload(author, { hasUser: false, hasPermissions: false }),
			...(channel && { channel_type: channel.type }),
		}),
	};
}

function threadPayloadFor(state: DiscordState, threadId: string): JsonObject {
	const thread = state.channels.get(threadId);
	return thread ? { thread: channelPayload(state, thread) } : {};
}

/** Reactions are stored as `name` for unicode emoji or `name:id` for custom ones, as in the route. */
export function emojiPayload(emoji: string): JsonObject {
	const match = /^(?:a:)?([^:]+):(\d+)$/.exec(emoji);
	return match ? { id: match[2], name: match[1] } : { id: null, name: emoji };
}

export function guildPayload(state: DiscordState): JsonObject {
	return {
		id: state.guildId,
		name: 'Wingman Test Guild',
		icon: null,
		icon_hash: null,
		splash: null,
		discovery_splash: null,
		owner_id: state.ownerId,
		afk_channel_id: null,
		afk_timeout: 300,
		widget_enabled: false,
		verification_level: 0,
		default_message_notifications: 0,
		explicit_content_filter: 0,
		roles: [everyoneRolePayload(state.guildId)],
		emojis: [],
		features: [],
		mfa_level: 0,
		application_id: null,
		system_channel_id: null,
		system_channel_flags: 0,
		rules_channel_id: null,
		max_members: 500_000,
		vanity_url_code: null,
		description: null,
		banner: null,
		premium_tier: 0,
		premium_subscription_count: 0,
		preferred_locale: 'en-US',
		public_updates_channel_id: null,
		safety_alerts_channel_id: null,
		max_video_channel_users: 25,
		max_stage_video_channel_users: 50,
		nsfw_level: 0,
		stickers: [],
		premium_progress_bar_enabled: false,
		incidents_data: null,
	};
}

/** Everything discord.js needs for a cached, available guild. */
export function guildCreatePayload(state: DiscordState): JsonObject {
	const channels = [...state.channels.values()];
	const members = [...state.members()];
	return {
		...guildPayload(state),
		joined_at: state.user(state.botUserId).joinedAt,
		large: false,
		unavailable: false,
		member_count: members.length,
		voice_states: [],
		members: members.map((user) => memberPayload(user, { hasUser: true, hasPermissions: false })),
		channels: channels.filter((channel) => channel.type === 0).map((channel) => channelPayload(state, channel)),
		threads: channels
			.filter((channel) => channel.type !== 0 && !channel.isArchived)
			.map((channel) => channelPayload(state, channel, { hasMember: true })),
		presences: [],
		stage_instances: [],
		guild_scheduled_events: [],
		soundboard_sounds: [],
		embedded_activities: [],
	};
}

export function applicationPayload(state: DiscordState): JsonObject {
	const bot = userPayload(state.user(state.botUserId));
	return {
		id: state.applicationId,
		name: bot.username,
		icon: null,
		description: '',
		summary: '',
		type: null,
		bot_public: true,
		bot_require_code_grant: false,
		verify_key: '0'.repeat(64),
		flags: 0,
		team: null,
		owner: userPayload(state.user(state.ownerId)),
		bot,
		approximate_guild_count: 1,
		interactions_endpoint_url: null,
		redirect_uris: [],
		tags: [],
		integration_types_config: { '0': {} },
	};
}

export function readyPayload(
	state: DiscordState,
	session: { id: string; resumeUrl: string; shard: readonly [number, number] },
): JsonObject {
	return {
		v: 10,
		user: { ...userPayload(state.user(state.botUserId)), verified: true, mfa_enabled: false, email: null },
		user_settings: {},
		guilds: [{ id: state.guildId, unavailable: true }],
		session_id: session.id,
		session_type: 'normal',
		resume_gateway_url: session.resumeUrl,
		shard: session.shard,
		application: { id: state.applicationId, flags: 0 },
		private_channels: [],
		relationships: [],
		presences: [],
		guild_join_requests: [],
		geo_ordered_rtc_regions: [],
		_trace: ['["fake-discord",{"micros":0}]'],
	};
}

/** Answers op 8 in one chunk: by `user_ids`, or by username prefix `query` with `limit` (0 = all). */
export function guildMembersChunk(state: DiscordState, request: JsonObject): JsonObject {
	const members = [...state.members()];
	const requestedIds = typeof request.user_ids === 'string' ? [request.user_ids] : request.user_ids;
	let found: StoredUser[];
	let notFound: string[] = [];
	if (Array.isArray(requestedIds)) {
		const ids = requestedIds.map(String);
		found = members.filter((user) => ids.includes(user.id));
		notFound = ids.filter((id) => !found.some((user) => user.id === id));
	} else {
		const query = typeof request.query === 'string' ? request.query.toLowerCase() : '';
		const limit = typeof request.limit === 'number' && request.limit > 0 ? request.limit : members.length;
		found = members.filter((user) => user.username.toLowerCase().startsWith(query)).slice(0, limit);
	}

	return {
		guild_id: state.guildId,
		members: found.map((user) => memberPayload(user, { hasUser: true, hasPermissions: false })),
		chunk_index: 0,
		chunk_count: 1,
		not_found: notFound,
		...(typeof request.nonce === 'string' && { nonce: request.nonce }),
		...(request.presences === true && { presences: [] }),
	};
}
