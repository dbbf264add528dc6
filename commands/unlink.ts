import { MessageFlags } from 'discord.js';
import { NO_MENTIONS } from '../src/discord/messages.ts';
import { RelayEnded } from '../src/relay/ConsoleRelay.ts';
import type { Command } from '../src/types.ts';

export default {
	data: {
		name: 'unlink',
		description: 'Forget your Calagopus API key and stop everything running on it',
		contexts: [0],
	},
	async execute(interaction, { links, servers, relays, logger }) {
		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const removed = await links.delete(interaction.user.id);
		servers.forget(interaction.user.id);
		const owned = relays.ownedBy(interaction.user.id);
		const reason = new RelayEnded('the user who started it unlinked their panel key.', true);
		await Promise.all(owned.map((relay) => relays.stop(relay.record.threadId, reason)));
		logger.info({ removed, relaysStopped: owned.length }, 'panel key unlinked');

		const relayNote = owned.length > 0 ? ` ${owned.length} console relay${owned.length === 1 ? '' : 's'} you started ${owned.length === 1 ? 'was' : 'were'} stopped.` : '';
		await interaction.editReply({
			content: removed
				? `Your API key has been deleted from Wingman.${relayNote} You can also delete the key itself in the panel.`
				: 'You had no API key linked, so there was nothing to delete.',
			allowedMentions: NO_MENTIONS,
		});
	},
} satisfies Command;
