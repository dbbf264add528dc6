import { MessageFlags, type ButtonInteraction } from 'discord.js';
import type { Logger } from '../logger.ts';
import { PanelApiError } from '../panel/PanelApiError.ts';
import { describeError, LINK_BUTTON_ROW, NO_MENTIONS } from './messages.ts';
import { NotLinkedError, UserError } from './UserError.ts';

/**
 * Runs a click that answers by editing its own message. `acknowledge` must be deferUpdate or update; any
 * later failure reaches the clicker as an ephemeral follow-up, because replyWithError treats a deferred
 * update like a "thinking" reply and would delete the very message that was clicked.
 */
export async function updateThen(
	interaction: ButtonInteraction<'cached'>,
	logger: Logger,
	acknowledge: () => Promise<unknown>,
	work: () => Promise<void>,
): Promise<void> {
	await acknowledge();
	try {
		await work();
	} catch (error) {
		await followUpWithError(interaction, error, logger);
	}
}

export async function followUpWithError(
	interaction: ButtonInteraction<'cached'>,
	error: unknown,
	logger: Logger,
): Promise<void> {
	const isExpected =
		error instanceof PanelApiError ? error.failure === 'http' && error.status < 500 : error instanceof UserError;
	if (isExpected) logger.info({ reason: error instanceof Error ? error.name : 'unknown' }, 'interaction refused');
	else logger.error({ err: error }, 'interaction failed');

	try {
		await interaction.followUp({
			content: describeError(error, interaction.id),
			components: error instanceof NotLinkedError ? [LINK_BUTTON_ROW] : [],
			flags: MessageFlags.Ephemeral,
			allowedMentions: NO_MENTIONS,
		});
	} catch (replyError) {
		logger.warn({ err: replyError }, 'could not deliver error reply');
	}
}
