import { z } from 'zod';
import {
	DiscordHttpError,
	invalidFormBody,
	parseOrThrow,
	unknownChannel,
	unknownMessage,
} from './DiscordHttpError.ts';
import type { DiscordState } from './DiscordState.ts';
import { param, type Route, type RouteContext } from './FakeRest.ts';
import { parseMessageBody } from './messageBody.ts';
import { channelPayload, messagePayload, threadMemberPayload } from './payloads.ts';
import type { StoredChannel, StoredMessage } from './records.ts';

const MAX_MESSAGES_PER_FETCH = 100;
const DEFAULT_MESSAGES_PER_FETCH = 50;
const AUTO_ARCHIVE_DURATIONS = [60, 1_440, 4_320, 10_080] as const;

const threadCreateSchema = z.looseObject({
	name: z.string().min(1).max(100),
	// Discord still defaults to a private thread when the type is left out.
	type: z.union([z.literal(11), z.literal(12)]).default(12),
	auto_archive_duration: z.union(AUTO_ARCHIVE_DURATIONS.map((minutes) => z.literal(minutes))).optional(),
	invitable: z.boolean().optional(),
	rate_limit_per_user: z.number().int().min(0).max(21_600).optional(),
});

const threadFromMessageSchema = threadCreateSchema.omit({ type: true, invitable: true });

const channelPatchSchema = z.looseObject({
	name: z.string().min(1).max(100).optional(),
	topic: z.string().max(1_024).nullable().optional(),
	archived: z.boolean().optional(),
	locked: z.boolean().optional(),
	invitable: z.boolean().optional(),
	auto_archive_duration: z.union(AUTO_ARCHIVE_DURATIONS.map((minutes) => z.literal(minutes))).optional(),
	rate_limit_per_user: z.number().int().min(0).max(21_600).optional(),
});

const MESSAGE = /^\/channels\/(?<channelId>\d+)\/messages\/(?<messageId>\d+)$/;
const REACTION = /^\/channels\/(?<channelId>\d+)\/messages\/(?<messageId>\d+)\/reactions\/(?<emoji>[^/]+)\/@me$/;
const THREAD_MEMBER = /^\/channels\/(?<channelId>\d+)\/thread-members\/(?<userId>\d+|@me)$/;
const CHANNEL = /^\/channels\/(?<channelId>\d+)$/;

export function channelRoutes(state: DiscordState): Route[] {
	return [
		{
			method: 'POST',
			pattern: /^\/channels\/(?<channelId>\d+)\/messages$/,
			bucket: 'messageCreate',
			handle: (context) => {
				const channel = state.channel(param(context, 'channelId'));
				const body = parseMessageBody(context.body);
				if (body.referencedMessageId !== undefined && !findMessage(state, channel.id, body.referencedMessageId)) {
					throw invalidFormBody(['message_reference'], 'MESSAGE_REFERENCE_UNKNOWN_MESSAGE', 'Unknown message');
				}

				const message = state.createMessage(channel, body, context.files, { authorId: state.botUserId });
				return { status: 200, body: messagePayload(state, message) };
			},
		},
		{
			method: 'GET',
			pattern: /^\/channels\/(?<channelId>\d+)\/messages$/,
			bucket: 'channel',
			handle: (context) => ({ status: 200, body: listMessages(state, context) }),
		},
		{
			method: 'GET',
			pattern: MESSAGE,
			bucket: 'channel',
			handle: (context) => ({ status: 200, body: messagePayload(state, requireMessage(state, context)) }),
		},
		{
			method: 'PATCH',
			pattern: MESSAGE,
			bucket: 'messageEdit',
			handle: (context) => {
				const message = requireMessage(state, context);
				if (message.authorId !== state.botUserId) {
					throw new DiscordHttpError(403, 50_005, 'Cannot edit a message authored by another user');
				}

				state.editMessage(message, parseMessageBody(context.body), context.files);
				return { status: 200, body: messagePayload(state, message) };
			},
		},
		{
			method: 'DELETE',
			pattern: MESSAGE,
			bucket: 'channel',
			handle: (context) => {
				state.deleteMessage(requireMessage(state, context));
				return { status: 204 };
			},
		},
		{
			method: 'PUT',
			pattern: REACTION,
			bucket: 'reactions',
			handle: (context) => {
				state.addReaction(requireMessage(state, context), parseEmoji(param(context, 'emoji')));
				return { status: 204 };
			},
		},
		{
			method: 'DELETE',
			pattern: REACTION,
			bucket: 'reactions',
			handle: (context) => {
				state.removeReaction(requireMessage(state, context), parseEmoji(param(context, 'emoji')));
				return { status: 204 };
			},
		},
		{
			method: 'POST',
			pattern: /^\/channels\/(?<channelId>\d+)\/threads$/,
			bucket: 'threads',
			handle: (context) => {
				const parent = requireTextChannel(state, param(context, 'channelId'));
				const body = parseOrThrow(threadCreateSchema, context.body);
				const thread = state.createThread(parent, {
					name: body.name,
					type: body.type,
					ownerId: state.botUserId,
					autoArchiveDuration: body.auto_archive_duration,
					isInvitable: body.invitable,
				});
				return { status: 201, body: channelPayload(state, thread, { hasMember: true }) };
			},
		},
		{
			method: 'POST',
			pattern: /^\/channels\/(?<channelId>\d+)\/messages\/(?<messageId>\d+)\/threads$/,
			bucket: 'threads',
			handle: (context) => {
				const parent = requireTextChannel(state, param(context, 'channelId'));
				const message = requireMessage(state, context);
				if (message.threadId !== null) {
					throw new DiscordHttpError(400, 160_004, 'A thread has already been created for this message');
				}

				const body = parseOrThrow(threadFromMessageSchema, context.body);
				const thread = state.createThread(parent, {
					name: body.name,
					type: 11,
					ownerId: state.botUserId,
					autoArchiveDuration: body.auto_archive_duration,
					startMessage: message,
				});
				return { status: 201, body: channelPayload(state, thread, { hasMember: true }) };
			},
		},
		{
			method: 'PUT',
			pattern: THREAD_MEMBER,
			bucket: 'channel',
			handle: (context) => {
				const thread = requireThread(state, param(context, 'channelId'));
				if (thread.isArchived) throw new DiscordHttpError(400, 50_083, 'Thread is archived');
				state.addThreadMember(thread, memberId(state, context));
				return { status: 204 };
			},
		},
		{
			method: 'DELETE',
			pattern: THREAD_MEMBER,
			bucket: 'channel',
			handle: (context) => {
				state.removeThreadMember(requireThread(state, param(context, 'channelId')), memberId(state, context));
				return { status: 204 };
			},
		},
		{
			method: 'GET',
			pattern: THREAD_MEMBER,
			bucket: 'channel',
			handle: (context) => {
				const thread = requireThread(state, param(context, 'channelId'));
				const userId = memberId(state, context);
				if (!thread.members.includes(userId)) throw new DiscordHttpError(404, 10_007, 'Unknown Member');
				return { status: 200, body: threadMemberPayload(thread, userId, thread.createdTimestamp) };
			},
		},
		{
			method: 'GET',
			pattern: /^\/channels\/(?<channelId>\d+)\/thread-members$/,
			bucket: 'channel',
			handle: (context) => {
				const thread = requireThread(state, param(context, 'channelId'));
				const members = thread.members.map((userId) => threadMemberPayload(thread, userId, thread.createdTimestamp));
				return { status: 200, body: members };
			},
		},
		{
			method: 'POST',
			pattern: /^\/channels\/(?<channelId>\d+)\/typing$/,
			bucket: 'channel',
			handle: (context) => {
				state.channel(param(context, 'channelId'));
				return { status: 204 };
			},
		},
		{
			method: 'GET',
			pattern: CHANNEL,
			bucket: 'channel',
			handle: (context) => ({ status: 200, body: channelPayload(state, state.channel(param(context, 'channelId'))) }),
		},
		{
			method: 'PATCH',
			pattern: CHANNEL,
			bucket: 'channel',
			handle: (context) => {
				const channel = state.channel(param(context, 'channelId'));
				patchChannel(state, channel, parseOrThrow(channelPatchSchema, context.body));
				return { status: 200, body: channelPayload(state, channel) };
			},
		},
		{
			method: 'DELETE',
			pattern: CHANNEL,
			bucket: 'channel',
			handle: (context) => {
				const channel = state.channel(param(context, 'channelId'));
				const payload = channelPayload(state, channel);
				state.deleteChannel(channel);
				return { status: 200, body: payload };
			},
		},
	];
}

function patchChannel(state: DiscordState, channel: StoredChannel, body: z.infer<typeof channelPatchSchema>): void {
	if (channel.type === 0) {
		state.updateTextChannel(channel, { name: body.name, topic: body.topic });
		return;
	}

	// An archived thread only accepts being unarchived (or re-locked); other edits fail until then.
	const hasOtherChanges = Object.keys(body).some((key) => key !== 'archived' && key !== 'locked');
	if (channel.isArchived && body.archived !== false && hasOtherChanges) {
		throw new DiscordHttpError(400, 50_083, 'Thread is archived');
	}

	state.updateThread(channel, {
		name: body.name,
		isArchived: body.archived,
		isLocked: body.locked,
		isInvitable: body.invitable,
		autoArchiveDuration: body.auto_archive_duration,
		rateLimitPerUser: body.rate_limit_per_user,
	});
}

function listMessages(state: DiscordState, context: RouteContext): unknown[] {
	const channel = state.channel(param(context, 'channelId'));
	const requested = Number(context.query.limit ?? DEFAULT_MESSAGES_PER_FETCH) || DEFAULT_MESSAGES_PER_FETCH;
	const limit = Math.min(requested, MAX_MESSAGES_PER_FETCH);
	const { before, after } = context.query;
	let messages = state.history(channel.id);
	if (before !== undefined) messages = messages.filter((message) => BigInt(message.id) < BigInt(before));
	if (after !== undefined) messages = messages.filter((message) => BigInt(message.id) > BigInt(after));
	// Discord returns newest first; with `after` it still pages forward from the oldest match.
	const page = after === undefined ? messages.slice(-limit) : messages.slice(0, limit);
	return page.reverse().map((message) => messagePayload(state, message));
}

function findMessage(state: DiscordState, channelId: string, messageId: string): StoredMessage | undefined {
	const message = state.messages.get(messageId);
	return message && message.channelId === channelId && message.isListed ? message : undefined;
}

function requireMessage(state: DiscordState, context: RouteContext): StoredMessage {
	const channel = state.channel(param(context, 'channelId'));
	const message = findMessage(state, channel.id, param(context, 'messageId'));
	if (!message) throw unknownMessage();
	return message;
}

function requireTextChannel(state: DiscordState, channelId: string): StoredChannel {
	const channel = state.channel(channelId);
	if (channel.type !== 0) throw new DiscordHttpError(400, 50_024, 'Cannot execute action on this channel type');
	return channel;
}

function requireThread(state: DiscordState, channelId: string): StoredChannel {
	const channel = state.channels.get(channelId);
	if (!channel) throw unknownChannel();
	if (channel.type === 0) throw new DiscordHttpError(400, 50_024, 'Cannot execute action on this channel type');
	return channel;
}

function memberId(state: DiscordState, context: RouteContext): string {
	const userId = param(context, 'userId');
	return userId === '@me' ? state.botUserId : userId;
}

function parseEmoji(emoji: string): string {
	if (emoji.trim() === '') throw new DiscordHttpError(400, 10_014, 'Unknown Emoji');
	return emoji;
}
