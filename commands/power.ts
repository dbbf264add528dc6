import { ApplicationCommandOptionType, MessageFlags, type APIEmbed } from 'discord.js';
import { linkedPanel } from '../src/discord/linkedPanel.ts';
import { NO_MENTIONS } from '../src/discord/messages.ts';
import { actionLabel, needsConfirmation, outcomeEmbed, preparePower } from '../src/discord/powerFlow.ts';
import {
	act,
	actOnClickedMessage,
	confirmPrompt,
	onlyEmbed,
	redrawPostedCard,
	withoutConfirmRows,
	withoutQuestion,
} from '../src/discord/powerReplies.ts';
import { cardKindOf } from '../src/discord/serverCards.ts';
import { autocompleteServers, resolveServer, SERVER_OPTION } from '../src/discord/serverOption.ts';
import { UserError } from '../src/discord/UserError.ts';
import { POWER_ACTIONS, type PowerAction } from '../src/panel/schemas.ts';
import { isServerId, parseServerId } from '../src/panel/serverId.ts';
import type { Command, ComponentHandler, ComponentInteraction, Context } from '../src/types.ts';

/**
 * Where a confirmed action reports: `here` (the confirm row sits on the clicked ephemeral card), `private`
 * or `public` (/power's own reply), or `s<id>`/`r<id>` (a public server/resources card to redraw).
 */
const CONFIRM_TARGET = /^(?:here|private|public|[sr]\d{17,20})$/;
const EXPIRED = 'This control has expired. Run the command again.';

export default {
	data: {
		name: 'power',
		description: 'Start, stop, restart or kill one of your servers',
		contexts: [0],
		options: [
			SERVER_OPTION,
			{
				type: ApplicationCommandOptionType.String,
				name: 'action',
				description: 'What to do',
				required: true,
				choices: POWER_ACTIONS.map((action) => ({ name: actionLabel(action), value: action })),
			},
			{
				type: ApplicationCommandOptionType.Boolean,
				name: 'confirm',
				description: 'Skip the confirmation question for stop and kill',
			},
			{
				type: ApplicationCommandOptionType.Boolean,
				name: 'public',
				description: 'Post the result in this channel (default: only you see it)',
			},
		],
	},
	async execute(interaction, context) {
		const action = actionFrom(interaction.options.getString('action', true), 'Pick start, stop, restart or kill.');
		const isPublic = interaction.options.getBoolean('public') ?? false;
		const isAskingFirst = needsConfirmation(action) && !(interaction.options.getBoolean('confirm') ?? false);
		const { panel } = await linkedPanel(interaction, context);
		// The question is only for the asker; a public result is posted once the action is confirmed.
		await interaction.deferReply(isAskingFirst || !isPublic ? { flags: MessageFlags.Ephemeral } : {});

		const input = interaction.options.getString('server', true);
		const target = await preparePower(panel, await resolveServer(input, interaction.user.id, panel, context), action);
		if (isAskingFirst) {
			const prompt = confirmPrompt(action, target, isPublic ? 'public' : 'private');
			await interaction.editReply({ ...prompt, allowedMentions: NO_MENTIONS });
			return;
		}

		const requestedBy = isPublic ? interaction.user.id : undefined;
		const show = (embed: APIEmbed) => interaction.editReply(onlyEmbed(embed));
		const result = await act({ panel, logger: context.logger }, action, target, show, requestedBy);
		await show(outcomeEmbed(action, target, result, requestedBy));
	},
	autocomplete: autocompleteServers,
	components: {
		start: clickPower('start'),
		stop: clickPower('stop'),
		restart: clickPower('restart'),
		kill: clickPower('kill'),
		confirm: confirmPower,
		cancel: cancelPower,
	},
} satisfies Command;

/** `power:<action>:<serverUuid>` on a card or relay header: acts with the clicker's own key (Rule 7). */
function clickPower(action: PowerAction): ComponentHandler {
	return async (interaction, args, context) => {
		if (!interaction.isButton() || args.length !== 1) throw new UserError(EXPIRED);
		const serverId = serverFrom(args[0]);
		const { panel } = await linkedPanel(interaction, context);
		const source = interaction.message;
		const kind = cardKindOf(source);

		if (!needsConfirmation(action)) {
			await interaction.deferUpdate();
			const target = await preparePower(panel, serverId, action);
			await actOnClickedMessage(interaction, { panel, logger: context.logger }, action, target, kind);
			return;
		}

		if (kind && source.flags.has(MessageFlags.Ephemeral)) {
			// Only the clicker sees an ephemeral card, so the question can sit on the card itself.
			await interaction.deferUpdate();
			const prompt = confirmPrompt(action, await preparePower(panel, serverId, action), 'here');
			await interaction.editReply({
				content: prompt.content,
				components: [...withoutConfirmRows(source), ...prompt.components],
				allowedMentions: NO_MENTIONS,
			});
			return;
		}

		await interaction.deferReply({ flags: MessageFlags.Ephemeral });
		const target = await preparePower(panel, serverId, action);
		const where = kind ? `${kind === 'server' ? 's' : 'r'}${source.id}` : 'private';
		await interaction.editReply({ ...confirmPrompt(action, target, where), allowedMentions: NO_MENTIONS });
	};
}

/** `power:confirm:<action>:<serverUuid>:<where>`: re-checks access and permission, then acts. */
async function confirmPower(
	interaction: ComponentInteraction,
	args: readonly string[],
	context: Context,
): Promise<void> {
	const [actionArg, serverArg, where] = args;
	if (!interaction.isButton() || args.length !== 3 || !where || !CONFIRM_TARGET.test(where)) {
		throw new UserError(EXPIRED);
	}
	const action = actionFrom(actionArg);
	const serverId = serverFrom(serverArg);
	const { panel } = await linkedPanel(interaction, context);

	if (where === 'here') {
		const kind = cardKindOf(interaction.message);
		await interaction.update(withoutQuestion(interaction.message));
		const target = await preparePower(panel, serverId, action);
		await actOnClickedMessage(interaction, { panel, logger: context.logger }, action, target, kind);
		return;
	}

	const show = (embed: APIEmbed) => interaction.editReply(onlyEmbed(embed));
	// Removing the buttons first makes a double click impossible.
	await interaction.update({ content: `⏳ Sending ${action}…`, components: [], allowedMentions: NO_MENTIONS });
	const target = await preparePower(panel, serverId, action);
	const result = await act({ panel, logger: context.logger }, action, target, show);
	if (where === 'public') {
		await interaction.followUp(onlyEmbed(outcomeEmbed(action, target, result, interaction.user.id)));
	} else if (where !== 'private') {
		await redrawPostedCard(context, interaction.channelId, where, target, result);
	}
	await show(outcomeEmbed(action, target, result));
}

/** `power:cancel:<here|prompt>`: no panel call, no link needed. */
async function cancelPower(interaction: ComponentInteraction, args: readonly string[]): Promise<void> {
	if (!interaction.isButton() || args.length !== 1) throw new UserError(EXPIRED);
	if (args[0] === 'here') {
		await interaction.update(withoutQuestion(interaction.message));
		return;
	}
	await interaction.update({
		content: 'Cancelled: nothing was sent to the panel.',
		embeds: [],
		components: [],
		allowedMentions: NO_MENTIONS,
	});
}

function actionFrom(value: string | undefined, refusal = EXPIRED): PowerAction {
	const action = POWER_ACTIONS.find((candidate) => candidate === value);
	if (!action) throw new UserError(refusal);
	return action;
}

function serverFrom(value: string | undefined): string {
	if (!value || !isServerId(value)) throw new UserError(EXPIRED);
	return parseServerId(value);
}
