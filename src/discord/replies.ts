import { MessageFlags, type RepliableInteraction } from 'discord.js';
import type { Logger } from '../logger.ts';
import { InvalidServerIdError, PanelApiError } from '../panel/PanelApiError.ts';
import { describeError, LINK_BUTTON_ROW, NO_MENTIONS } from './messages.ts';
import { NotLinkedError, UserError } from './UserError.ts';

/** The one place failures reach users: ephemeral, mention-free, and never an internal error text. */
export async function replyWithError(interaction: RepliableInteraction, error: unknown, logger: Logger): Promise<void> {
	const content = describeError(error, interaction.id);
	if (isExpected(error)) logger.info({ reason: errorName(error) }, 'interaction refused');
	else logger.error({ err: error }, 'interaction failed');

	const components = error instanceof NotLinkedError ? [LINK_BUTTON_ROW] : [];
	try {
		if (interaction.deferred && !interaction.replied && interaction.ephemeral) {
			await interaction.editReply({ content, components, embeds: [], allowedMentions: NO_MENTIONS });
		} else if (interaction.deferred && !interaction.replied && interaction.isChatInputCommand()) {
			// A public "thinking…" must not turn into a public error about one person's key.
			await interaction.deleteReply().catch(() => undefined);
			await interaction.followUp({ content, components, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
		} else if (interaction.replied || interaction.deferred) {
			// After deferUpdate the clicked message stays as it was; the error goes to the clicker alone.
			await interaction.followUp({ content, components, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
		} else {
			await interaction.reply({ content, components, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
		}
	} catch (replyError) {
		logger.warn({ err: replyError }, 'could not deliver error reply');
	}
}

function isExpected(error: unknown): boolean {
	if (error instanceof PanelApiError) return error.failure === 'http' && error.status < 500;
	return error instanceof UserError || error instanceof InvalidServerIdError;
}

function errorName(error: unknown): string {
	if (error instanceof PanelApiError) return `panel ${error.status}`;
	return error instanceof Error ? error.name : 'unknown';
}
