import type { Interaction } from 'discord.js';
import type { Command, Context, Deps } from '../types.ts';
import { parseCustomId } from './customId.ts';
import { replyWithError } from './replies.ts';
import { UserError } from './UserError.ts';

export type CommandMap = ReadonlyMap<string, Command>;

/** The one interactionCreate handler: a Map lookup, a per-interaction logger, one error boundary. */
export async function routeInteraction(interaction: Interaction, commands: CommandMap, deps: Deps): Promise<void> {
	const logger = deps.logger.child({ interactionId: interaction.id, userId: interaction.user.id });
	const context: Context = { ...deps, logger };

	if (interaction.isAutocomplete()) {
		if (!interaction.inCachedGuild()) return;
		try {
			await commands.get(interaction.commandName)?.autocomplete?.(interaction, context);
		} catch (error) {
			logger.warn({ err: error }, 'autocomplete failed');
		}
		if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
		return;
	}
	if (!interaction.isRepliable()) return;

	try {
		if (!interaction.inCachedGuild()) throw new UserError('Wingman works inside servers, not in direct messages.');
		if (interaction.isChatInputCommand()) {
			const command = commands.get(interaction.commandName);
			if (!command) throw new UserError('This command is no longer available.');
			await command.execute(interaction, context);
		} else if (interaction.isButton() || interaction.isModalSubmit()) {
			const route = parseCustomId(interaction.customId);
			const handler = route && commands.get(route.command)?.components?.[route.action];
			if (!route || !handler) throw new UserError('This control has expired. Run the command again.');
			await handler(interaction, route.args, context);
		} else {
			throw new UserError('Wingman does not handle this kind of interaction.');
		}
	} catch (error) {
		await replyWithError(interaction, error, logger);
	}
}
