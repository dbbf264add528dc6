import { DiscordHttpError } from './DiscordHttpError.ts';
import type { DiscordState } from './DiscordState.ts';
import { param, type Route, type RouteContext } from './FakeRest.ts';
import { parseCommand, parseCommandList, type CommandBody } from './commandBody.ts';
import {
	applicationPayload,
	channelPayload,
	everyoneRolePayload,
	guildPayload,
	memberPayload,
	threadMemberPayload,
	userPayload,
} from './payloads.ts';
import type { JsonObject } from './records.ts';

const COMMANDS = /^\/applications\/(?<applicationId>\d+)(?:\/guilds\/(?<guildId>\d+))?\/commands$/;
const COMMAND = /^\/applications\/(?<applicationId>\d+)(?:\/guilds\/(?<guildId>\d+))?\/commands\/(?<commandId>\d+)$/;
const MAX_MEMBERS_PER_FETCH = 1_000;

/** Gateway discovery, users, the application and its commands, and read-only guild routes. */
export function applicationRoutes(state: DiscordState, options: { gatewayUrl: string }): Route[] {
	return [
		{
			method: 'GET',
			pattern: /^\/gateway\/bot$/,
			handle: () => ({
				status: 200,
				body: {
					url: options.gatewayUrl,
					shards: 1,
					session_start_limit: { total: 1_000, remaining: 1_000, reset_after: 0, max_concurrency: 1 },
				},
			}),
		},
		{ method: 'GET', pattern: /^\/gateway$/, handle: () => ({ status: 200, body: { url: options.gatewayUrl } }) },
		{
			method: 'GET',
			pattern: /^\/users\/@me$/,
			handle: () => ({ status: 200, body: userPayload(state.user(state.botUserId)) }),
		},
		{
			method: 'GET',
			pattern: /^\/users\/(?<userId>\d+)$/,
			handle: (context) => {
				const user = state.users.get(param(context, 'userId'));
				if (!user) throw new DiscordHttpError(404, 10_013, 'Unknown User');
				return { status: 200, body: userPayload(user) };
			},
		},
		{
			method: 'GET',
			pattern: /^\/applications\/@me$/,
			handle: () => ({ status: 200, body: applicationPayload(state) }),
		},
		{
			method: 'GET',
			pattern: COMMANDS,
			handle: (context) => ({ status: 200, body: commandsFor(state, context) }),
		},
		{
			method: 'PUT',
			pattern: COMMANDS,
			handle: (context) => {
				const guildId = commandScope(state, context);
				const previous = commandsFor(state, context);
				const stored = parseCommandList(context.body).map((command) => storeCommand(state, command, previous, guildId));
				if (guildId === null) state.globalCommands = stored;
				else state.guildCommands = stored;
				state.commandWrites += 1;
				return { status: 200, body: stored };
			},
		},
		{
			method: 'POST',
			pattern: COMMANDS,
			handle: (context) => {
				const guildId = commandScope(state, context);
				const previous = commandsFor(state, context);
				const command = storeCommand(state, parseCommand(context.body), previous, guildId);
				const isReplacement = previous.some((existing) => existing.id === command.id);
				const next = [...previous.filter((existing) => existing.id !== command.id), command];
				if (guildId === null) state.globalCommands = next;
				else state.guildCommands = next;
				return { status: isReplacement ? 200 : 201, body: command };
			},
		},
		{
			method: 'GET',
			pattern: COMMAND,
			handle: (context) => ({ status: 200, body: requireCommand(state, context) }),
		},
		{
			method: 'DELETE',
			pattern: COMMAND,
			handle: (context) => {
				const command = requireCommand(state, context);
				const next = commandsFor(state, context).filter((existing) => existing !== command);
				if (commandScope(state, context) === null) state.globalCommands = next;
				else state.guildCommands = next;
				return { status: 204 };
			},
		},
		{
			method: 'GET',
			pattern: /^\/guilds\/(?<guildId>\d+)$/,
			handle: (context) => {
				requireGuild(state, context);
				const count = [...state.members()].length;
				const hasCountsRequested = context.query.with_counts === 'true';
				const body = {
					...guildPayload(state),
					...(hasCountsRequested && { approximate_member_count: count, approximate_presence_count: 0 }),
				};
				return { status: 200, body };
			},
		},
		{
			method: 'GET',
			pattern: /^\/guilds\/(?<guildId>\d+)\/channels$/,
			handle: (context) => {
				requireGuild(state, context);
				const channels = [...state.channels.values()].filter((channel) => channel.type === 0);
				return { status: 200, body: channels.map((channel) => channelPayload(state, channel)) };
			},
		},
		{
			method: 'GET',
			pattern: /^\/guilds\/(?<guildId>\d+)\/threads\/active$/,
			handle: (context) => {
				requireGuild(state, context);
				const threads = [...state.channels.values()].filter((channel) => channel.type !== 0 && !channel.isArchived);
				const members = threads
					.filter((thread) => thread.members.includes(state.botUserId))
					.map((thread) => threadMemberPayload(thread, state.botUserId, thread.createdTimestamp));
				return { status: 200, body: { threads: threads.map((thread) => channelPayload(state, thread)), members } };
			},
		},
		{
			method: 'GET',
			pattern: /^\/guilds\/(?<guildId>\d+)\/roles$/,
			handle: (context) => {
				requireGuild(state, context);
				return { status: 200, body: [everyoneRolePayload(state.guildId)] };
			},
		},
		{
			method: 'GET',
			pattern: /^\/guilds\/(?<guildId>\d+)\/members$/,
			handle: (context) => {
				requireGuild(state, context);
				const limit = Math.min(Number(context.query.limit ?? 1) || 1, MAX_MEMBERS_PER_FETCH);
				const members = [...state.members()].slice(0, limit);
				const body = members.map((user) => memberPayload(user, { hasUser: true, hasPermissions: false }));
				return { status: 200, body };
			},
		},
		{
			method: 'GET',
			pattern: /^\/guilds\/(?<guildId>\d+)\/members\/(?<userId>\d+)$/,
			handle: (context) => {
				requireGuild(state, context);
				const user = state.users.get(param(context, 'userId'));
				if (!user || !state.isMember(user.id)) throw new DiscordHttpError(404, 10_007, 'Unknown Member');
				return { status: 200, body: memberPayload(user, { hasUser: true, hasPermissions: false }) };
			},
		},
	];
}

/** null for global commands, the guild id for guild commands; rejects foreign apps and guilds. */
function commandScope(state: DiscordState, context: RouteContext): string | null {
	const guildId = context.parameters.guildId;
	if (param(context, 'applicationId') !== state.applicationId || (guildId !== undefined && guildId !== state.guildId)) {
		throw new DiscordHttpError(403, 50_001, 'Missing Access');
	}

	if (guildId === undefined) return null;
	return guildId;
}

function commandsFor(state: DiscordState, context: RouteContext): JsonObject[] {
	return commandScope(state, context) === null ? state.globalCommands : state.guildCommands;
}

function requireCommand(state: DiscordState, context: RouteContext): JsonObject {
	const command = commandsFor(state, context).find((existing) => existing.id === param(context, 'commandId'));
	if (!command) throw new DiscordHttpError(404, 10_063, 'Unknown application command');
	return command;
}

/** Discord keeps a command's id across overwrites when its name and type stay the same. */
function storeCommand(
	state: DiscordState,
	command: CommandBody,
	previous: readonly JsonObject[],
	guildId: string | null,
): JsonObject {
	const existing = previous.find((stored) => stored.name === command.name && stored.type === command.type);
	return {
		default_member_permissions: null,
		nsfw: false,
		integration_types: [0],
		contexts: null,
		...command,
		description: command.description ?? '',
		id: typeof existing?.id === 'string' ? existing.id : state.ids.next(),
		application_id: state.applicationId,
		version: state.ids.next(),
		...(guildId !== null && { guild_id: guildId }),
	};
}

function requireGuild(state: DiscordState, context: RouteContext): void {
	if (param(context, 'guildId') !== state.guildId) throw new DiscordHttpError(404, 10_004, 'Unknown Guild');
}
