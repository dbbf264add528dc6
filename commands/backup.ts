import { ApplicationCommandOptionType, MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import {
	backupFinishedEmbed,
	backupListEmbed,
	backupStartedEmbed,
	loadNewestFirst,
} from '../src/discord/backupViews.ts';
import { BACKUP_WATCH_LIMIT_MS, watchBackup } from '../src/discord/backupWatch.ts';
import { linkedPanel } from '../src/discord/linkedPanel.ts';
import { formatWait, NO_MENTIONS } from '../src/discord/messages.ts';
import { pageFromArg, pagerRows } from '../src/discord/paging.ts';
import { autocompleteServers, resolveServer, SERVER_OPTION } from '../src/discord/serverOption.ts';
import { UserError } from '../src/discord/UserError.ts';
import { PanelApiError } from '../src/panel/PanelApiError.ts';
import type { PanelClient } from '../src/panel/PanelClient.ts';
import type { PanelServer } from '../src/panel/schemas.ts';
import { isServerId, parseServerId } from '../src/panel/serverId.ts';
import { sanitizeInline } from '../src/relay/sanitize.ts';
import type { Link } from '../src/store/links.ts';
import type { Command, Context } from '../src/types.ts';

const MAX_IGNORED_PATHS = 100;
const WATCH_MINUTES = BACKUP_WATCH_LIMIT_MS / 60_000;

export default {
	data: {
		name: 'backup',
		description: 'List or create a server’s backups',
		contexts: [0],
		options: [
			{
				type: ApplicationCommandOptionType.Subcommand,
				name: 'list',
				description: 'A server’s backups, newest first',
				options: [SERVER_OPTION],
			},
			{
				type: ApplicationCommandOptionType.Subcommand,
				name: 'create',
				description: 'Start a backup; this message is updated when it finishes',
				options: [
					SERVER_OPTION,
					{
						type: ApplicationCommandOptionType.String,
						name: 'name',
						description: 'A name for the backup (default: the panel’s date and time)',
						min_length: 1,
						max_length: 255,
					},
					{
						type: ApplicationCommandOptionType.String,
						name: 'ignored',
						description: 'Comma-separated paths to leave out, e.g. logs, cache, *.tmp',
						max_length: 2_000,
					},
				],
			},
		],
	},
	async execute(interaction, context) {
		const linked = await linkedPanel(interaction, context);
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const input = interaction.options.getString('server', true);
		const serverId = await resolveServer(input, interaction.user.id, linked.panel, context);
		switch (interaction.options.getSubcommand()) {
			case 'create':
				await createBackup(interaction, context, linked, serverId);
				break;
			case 'list':
				await interaction.editReply(await listReply(linked.panel, serverId, 0));
				break;
			default:
				throw new UserError('This command has changed. Run /backup again.');
		}
	},
	autocomplete: autocompleteServers,
	components: {
		page: async (interaction, args, context) => {
			const [serverArg, pageArg] = args;
			if (!interaction.isButton() || args.length !== 2 || !serverArg || !isServerId(serverArg)) {
				throw new UserError('This control has expired. Run /backup list again.');
			}
			const page = pageFromArg(pageArg, Number.POSITIVE_INFINITY);
			const { panel } = await linkedPanel(interaction, context);
			await interaction.deferUpdate();
			await interaction.editReply(await listReply(panel, parseServerId(serverArg), page));
		},
	},
} satisfies Command;

async function listReply(panel: PanelClient, serverId: string, page: number) {
	const [server, listing] = await Promise.all([panel.getServer(serverId), loadNewestFirst(panel, serverId, page)]);
	return {
		embeds: [backupListEmbed(server, listing)],
		components: pagerRows('backup', [server.uuid], listing.page, listing.count),
		allowedMentions: NO_MENTIONS,
	};
}

async function createBackup(
	interaction: ChatInputCommandInteraction<'cached'>,
	context: Context,
	{ link, panel }: { link: Link; panel: PanelClient },
	serverId: string,
): Promise<void> {
	const name = interaction.options.getString('name')?.trim() || undefined;
	const ignoredFiles = parseIgnored(interaction.options.getString('ignored'));
	const server = await panel.getServer(serverId);
	const backup = await panel.createBackup(server.uuid, { name, ignoredFiles }).catch((error: unknown) => {
		throw explainCreateFailure(error, server);
	});
	context.logger.info({ serverId: server.uuid, backupId: backup.uuid }, 'backup started');
	await interaction.editReply({ embeds: [backupStartedEmbed(server, backup, WATCH_MINUTES)], allowedMentions: NO_MENTIONS });

	const isStillLinked = async () => (await context.links.get(interaction.user.id).catch(() => undefined))?.apiKey === link.apiKey;
	const result = await watchBackup({
		panel,
		serverUuid: server.uuid,
		backupUuid: backup.uuid,
		since: interaction.createdTimestamp,
		isStillWanted: async () => context.client.isReady() && (await isStillLinked()),
	});
	context.logger.info({ serverId: server.uuid, backupId: backup.uuid, outcome: result.outcome }, 'backup watch ended');
	if (result.outcome === 'abandoned' && !context.client.isReady()) return;
	const latest = result.outcome === 'completed' ? result.backup : backup;
	const finished = backupFinishedEmbed(server, latest, result.outcome, WATCH_MINUTES);
	await interaction.editReply({ embeds: [finished], allowedMentions: NO_MENTIONS });
	if (result.outcome === 'completed') {
		// An edit makes no sound; a follow-up shows up as new, so the creator notices without anyone being pinged.
		const names = `**${sanitizeInline(latest.name, 100)}** of **${sanitizeInline(server.name, 100)}**`;
		await interaction.followUp({
			content: latest.is_successful ? `✅ Your backup ${names} has finished.` : `❌ Your backup ${names} failed.`,
			flags: MessageFlags.Ephemeral,
			allowedMentions: NO_MENTIONS,
		});
	}
}

function parseIgnored(raw: string | null): string[] {
	if (!raw) return [];
	const paths = [...new Set(raw.split(',').map((path) => path.trim()).filter(Boolean))];
	if (paths.length > MAX_IGNORED_PATHS) {
		throw new UserError(`That is ${paths.length} ignored paths; at most ${MAX_IGNORED_PATHS} fit in one backup.`);
	}
	return paths;
}

function explainCreateFailure(error: unknown, server: PanelServer): unknown {
	if (!(error instanceof PanelApiError)) return error;
	const name = sanitizeInline(server.name, 80);
	const limit = server.feature_limits.backups;
	if (error.status === 417 && error.errors[0] === 'maximum number of backups reached') {
		if (limit === 0) {
			return new UserError(
				`Backups are turned off for **${name}** (its backup limit is 0). Ask the server owner or an admin to allow some.`,
				{ cause: error },
			);
		}
		return new UserError(
			`**${name}** already has its maximum of ${limit} backup${limit === 1 ? '' : 's'}. Delete an old one in the panel (unlock it first if it is locked), or ask for a higher limit.`,
			{ cause: error },
		);
	}
	if (error.status === 429) {
		const wait = error.retryAfterSeconds === undefined ? 'a few minutes' : formatWait(error.retryAfterSeconds);
		return new UserError(`The panel allows only a few new backups per server in a short time. Try again in ${wait}.`, {
			cause: error,
		});
	}
	return error;
}
