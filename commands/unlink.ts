import { MessageFlags } from 'discord.js';
import { NO_MENTIONS } from '../src/discord/messages.ts';
import type { Command } from '../src/types.ts';

export default {
	data: {
		name: 'unlink',
		description: 'Forget your Calagopus API key and stop everything running on it',
		contexts: [0],
	},
	async execute(interaction, { links, servers, logger }) {
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const removed = await links.delete(interaction.user.id);
		servers.forget(interaction.user.id);
		logger.info({ removed }, 'panel key unlinked');
		await interaction.editReply({
			content: removed
				? 'Your API key has been deleted from Wingman. You can also delete the key itself in the panel.'
				: 'You had no API key linked, so there was nothing to delete.',
			allowedMentions: NO_MENTIONS,
		});
	},
} satisfies Command;
