import {
	ApplicationCommandOptionType,
	ChannelType,
	MessageFlags,
	PermissionFlagsBits,
	Routes,
	ThreadAutoArchiveDuration,
	type APIMessage,
	type ChatInputCommandInteraction,
	type GuildMember,
} from 'discord.js';
import { linkedPanel } from '../src/discord/linkedPanel.ts';
import { NO_MENTIONS } from '../src/discord/messages.ts';
import { autocompleteServers, resolveServer, SERVER_OPTION } from '../src/discord/serverOption.ts';
import { UserError } from '../src/discord/UserError.ts';
import { PanelApiError } from '../src/panel/PanelApiError.ts';
import { readTokenClaims } from '../src/panel/permissions.ts';
import { RelayEnded, type ConsoleRelay } from '../src/relay/ConsoleRelay.ts';
import { renderHeader } from '../src/relay/relayHeader.ts';
import { sanitizeInline } from '../src/relay/sanitize.ts';
import type { Command, ComponentInteraction, Context } from '../src/types.ts';

export default {
	data: {
		name: 'console',
		description: 'Watch a server’s live console in a thread and type commands into it',
		contexts: [0],
		options: [
			{
				type: ApplicationCommandOptionType.Subcommand,
				name: 'start',
				description: 'Relay a server’s console into a new thread in this channel',
				options: [
					SERVER_OPTION,
					{
						type: ApplicationCommandOptionType.Boolean,
						name: 'private',
						description: 'Use a private thread (only you and people you add can see it)',
					},
				],
			},
			{
				type: ApplicationCommandOptionType.Subcommand,
				name: 'stop',
				description: 'Stop the relay in this thread (or the one for a server in this channel)',
				options: [{ ...SERVER_OPTION, required: false }],
			},
		],
	},
	async execute(interaction, context) {
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		if (interaction.options.getSubcommand() === 'start') await startRelay(interaction, context);
		else await stopRelay(interaction, context);
	},
	autocomplete: autocompleteServers,
	components: {
		stop: async (interaction, args, context) => {
			const [threadId] = args;
			const relay = threadId && /^\d{17,20}$/.test(threadId) ? context.relays.get(threadId) : undefined;
			if (!relay) throw new UserError('This relay is not running any more.');
			await interaction.deferReply({ flags: MessageFlags.Ephemeral });
			await stopFor(interaction, relay, context);
		},
	},
} satisfies Command;

async function startRelay(interaction: ChatInputCommandInteraction<'cached'>, context: Context): Promise<void> {
	const channel = interaction.channel;
	if (channel?.type !== ChannelType.GuildText) {
		throw new UserError('Start the console relay in a regular text channel (not a thread, announcement, voice or forum channel).');
	}
	const { link, panel } = await linkedPanel(interaction, context);
	const serverId = await resolveServer(interaction.options.getString('server', true), interaction.user.id, panel, context);
	const server = await panel.getServer(serverId);

	const running = context.relays.find(channel.id, server.uuid);
	if (running) {
		await interaction.editReply({ content: `This server’s console is already relayed here: <#${running.record.threadId}>`, allowedMentions: NO_MENTIONS });
		return;
	}
	// The token carries the key's console permissions: refuse now rather than open a silent thread.
	const claims = readTokenClaims((await panel.getWebsocketCredentials(server.uuid)).token);
	if (claims && !claims.permissions.includes('*') && !claims.permissions.includes('control.read-console')) {
		throw new UserError('Your API key lacks `control.read-console`, so the console would stay empty. Add it to the key in the panel.');
	}

	const isPrivate = interaction.options.getBoolean('private') ?? false;
	const thread = await channel.threads.create({
		name: `console · ${sanitizeInline(server.name, 80)}`,
		type: isPrivate ? ChannelType.PrivateThread : ChannelType.PublicThread,
		autoArchiveDuration: ThreadAutoArchiveDuration.OneWeek,
		...(isPrivate ? { invitable: false } : {}),
		reason: `Console relay started by ${interaction.user.tag}`,
	});
	if (isPrivate) await thread.members.add(interaction.user.id);
	const header = (await context.client.rest.post(Routes.channelMessages(thread.id), {
		body: {
			...renderHeader({ serverName: server.name, serverUuid: server.uuid, threadId: thread.id, ownerId: link.userId, state: undefined, usage: undefined }),
			allowed_mentions: NO_MENTIONS,
		},
	})) as APIMessage;

	await context.relays.start({
		threadId: thread.id,
		channelId: channel.id,
		guildId: interaction.guildId,
		serverUuid: server.uuid,
		serverName: server.name,
		ownerId: interaction.user.id,
		headerMessageId: header.id,
		startedAt: new Date().toISOString(),
		tail: [],
	});
	await interaction.editReply({ content: `Console relay started: <#${thread.id}>`, allowedMentions: NO_MENTIONS });
}

async function stopRelay(interaction: ChatInputCommandInteraction<'cached'>, context: Context): Promise<void> {
	const serverInput = interaction.options.getString('server');
	let relay = context.relays.get(interaction.channelId);
	if (!relay && serverInput) {
		const { panel } = await linkedPanel(interaction, context);
		const serverId = await resolveServer(serverInput, interaction.user.id, panel, context);
		const server = await panel.getServer(serverId);
		relay = context.relays.find(interaction.channelId, server.uuid);
	}
	if (!relay) {
		throw new UserError(
			serverInput
				? 'That server’s console is not relayed in this channel.'
				: 'There is no console relay in this thread. Run this inside a relay thread, or name the server.',
		);
	}
	await stopFor(interaction, relay, context);
}

/**
 * The owner and members who may manage threads can always stop a relay; anyone else needs a key that
 * can see the server, so the panel's access rules decide.
 */
async function stopFor(
	interaction: ChatInputCommandInteraction<'cached'> | ComponentInteraction,
	relay: ConsoleRelay,
	context: Context,
): Promise<void> {
	if (interaction.user.id !== relay.record.ownerId && !canManageThreads(interaction.member)) {
		const { panel } = await linkedPanel(interaction, context);
		await panel.getServer(relay.record.serverUuid).catch((error: unknown) => {
			if (error instanceof PanelApiError && error.status === 404) {
				throw new UserError('Only the person who started this relay, someone who can manage threads, or someone with access to the server can stop it.');
			}
			throw error;
		});
	}
	await context.relays.stop(relay.record.threadId, new RelayEnded(`stopped by <@${interaction.user.id}>.`, true));
	await interaction.editReply({ content: 'Console relay stopped.', allowedMentions: NO_MENTIONS });
}

function canManageThreads(member: GuildMember): boolean {
	return member.permissions.has(PermissionFlagsBits.ManageThreads);
}
