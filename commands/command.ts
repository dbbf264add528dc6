import { ApplicationCommandOptionType, MessageFlags } from 'discord.js';
import { linkedPanel } from '../src/discord/linkedPanel.ts';
import { NO_MENTIONS } from '../src/discord/messages.ts';
import { autocompleteServers, resolveServer, SERVER_OPTION } from '../src/discord/serverOption.ts';
import { UserError } from '../src/discord/UserError.ts';
import { ServerOfflineError } from '../src/panel/PanelApiError.ts';
import { sanitizeInline } from '../src/relay/sanitize.ts';
import type { Command } from '../src/types.ts';

// The panel counts characters (code points), not UTF-16 units (API.md §3).
const MAX_COMMAND_CHARACTERS = 1_024;

export default {
	data: {
		name: 'command',
		description: 'Send a command to a server’s console',
		contexts: [0],
		options: [
			SERVER_OPTION,
			{
				type: ApplicationCommandOptionType.String,
				name: 'command',
				description: 'The console command, without a leading slash (e.g. say hello)',
				required: true,
				min_length: 1,
				max_length: MAX_COMMAND_CHARACTERS,
			},
		],
	},
	async execute(interaction, context) {
		const command = interaction.options.getString('command', true);
		const length = [...command].length;
		if (length < 1 || length > MAX_COMMAND_CHARACTERS || command.trim() === '') {
			throw new UserError(`A console command is 1 to ${MAX_COMMAND_CHARACTERS} characters; this one has ${length}.`);
		}
		const { panel } = await linkedPanel(interaction, context);
		// Commands can hold passwords or player names: the echo stays with the sender.
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });

		const input = interaction.options.getString('server', true);
		const serverId = await resolveServer(input, interaction.user.id, panel, context);
		const server = await panel.getServer(serverId);
		const name = sanitizeInline(server.name, 80);
		await panel.sendCommand(server.uuid, command).catch((error: unknown) => {
			if (error instanceof ServerOfflineError) {
				throw new UserError(
					`**${name}** is offline, so the command was not run. Start it first with \`/power action:start\`.`,
				);
			}
			throw error;
		});

		await interaction.editReply({
			content: [
				`⌨️ Sent to **${name}** (\`${server.uuid_short}\`):`,
				'```',
				sanitizeInline(command, 1_500),
				'```',
				'The panel does not return the output; watch it with `/console start`.',
			].join('\n'),
			allowedMentions: NO_MENTIONS,
		});
	},
	autocomplete: autocompleteServers,
} satisfies Command;
