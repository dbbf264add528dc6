import {
	ComponentType,
	MessageFlags,
	TextInputStyle,
	type APIModalInteractionResponseCallbackData,
	type ButtonInteraction,
	type ChatInputCommandInteraction,
} from 'discord.js';
import { encodeCustomId } from '../src/discord/customId.ts';
import { NO_MENTIONS } from '../src/discord/messages.ts';
import { UserError } from '../src/discord/UserError.ts';
import { PanelApiError } from '../src/panel/PanelApiError.ts';
import type { PanelClient } from '../src/panel/PanelClient.ts';
import { FEATURE_PERMISSIONS, missingFeaturePermissions, readTokenClaims } from '../src/panel/permissions.ts';
import { sanitizeInline } from '../src/relay/sanitize.ts';
import type { Command, ComponentHandler } from '../src/types.ts';

const KEY_INPUT_ID = 'api_key';
const CALAGOPUS_KEY = /^c7sp_[A-Za-z0-9]{43}$/;

const LINK_MODAL: APIModalInteractionResponseCallbackData = {
	custom_id: encodeCustomId('link', 'submit'),
	title: 'Link your Calagopus API key',
	components: [
		{
			type: ComponentType.ActionRow,
			components: [
				{
					type: ComponentType.TextInput,
					custom_id: KEY_INPUT_ID,
					label: 'API key (Panel → Account → API keys)',
					style: TextInputStyle.Short,
					placeholder: 'c7sp_…',
					min_length: 1,
					max_length: 200,
					required: true,
				},
			],
		},
	],
};

const showLinkModal = async (interaction: ChatInputCommandInteraction<'cached'> | ButtonInteraction<'cached'>) =>
	interaction.showModal(LINK_MODAL);

const submit: ComponentHandler = async (interaction, _args, { links, panelFor, servers, logger }) => {
	if (!interaction.isModalSubmit()) throw new UserError('This control has expired. Run /link again.');
	await interaction.deferReply({ flags: MessageFlags.Ephemeral });

	const apiKey = interaction.fields.getTextInputValue(KEY_INPUT_ID).trim();
	rejectObviousNonKeys(apiKey);

	const panel = panelFor(apiKey);
	const account = await panel.getAccount().catch((error: unknown) => {
		if (error instanceof PanelApiError && error.status === 401) {
			throw new UserError('The panel does not accept this key: it may be mistyped, deleted or expired. Nothing was saved.');
		}
		throw error;
	});

	const replaced = await links.has(interaction.user.id);
	await links.set(interaction.user.id, { apiKey, panelUser: { uuid: account.uuid, username: account.username } });
	servers.forget(interaction.user.id);
	logger.info({ panelUser: account.uuid, replaced }, 'panel key linked');

	const lines = [
		`${replaced ? 'Re-linked' : 'Linked'} to panel account **${sanitizeInline(account.username, 64)}**. Your key is stored encrypted and only ever used for your own actions.`,
		...(await describeKeyScope(panel)),
	];
	await interaction.editReply({ content: lines.join('\n'), allowedMentions: NO_MENTIONS });
};

export default {
	data: {
		name: 'link',
		description: 'Link your own Calagopus API key (entered privately in a form)',
		contexts: [0],
	},
	async execute(interaction) {
		await showLinkModal(interaction);
	},
	components: {
		open: async (interaction) => {
			if (!interaction.isButton()) throw new UserError('This control has expired. Run /link again.');
			await showLinkModal(interaction);
		},
		submit,
	},
} satisfies Command;

function rejectObviousNonKeys(apiKey: string): void {
	if (CALAGOPUS_KEY.test(apiKey)) return;
	if (apiKey.startsWith('ptlc_') || apiKey.startsWith('ptla_')) {
		throw new UserError('That looks like a Pterodactyl key. Calagopus keys start with `c7sp_`: create one in your Calagopus panel under Account → API keys.');
	}
	if (!apiKey.startsWith('c7sp_')) {
		throw new UserError('That is not a Calagopus API key: keys start with `c7sp_`. Create one in the panel under Account → API keys.');
	}
	throw new UserError(
		`That key is ${apiKey.length} characters long with ${/[^A-Za-z0-9_]/.test(apiKey) ? 'unexpected characters' : 'the wrong length'}; a Calagopus key is \`c7sp_\` followed by 43 letters and digits (48 in all). Copy it again in full.`,
	);
}

/** Tells the user what their key will not let Wingman do, as far as the panel lets us see it. */
async function describeKeyScope(panel: PanelClient): Promise<string[]> {
	try {
		const [first] = await panel.listServers();
		if (!first) return ['Your key sees no servers yet.'];
		const claims = readTokenClaims((await panel.getWebsocketCredentials(first.uuid)).token);
		if (!claims) return [];
		const missing = missingFeaturePermissions(claims.permissions);
		if (missing.length === 0) return ['Your key has every permission Wingman uses.'];
		return [
			'Your key lacks some permissions Wingman uses (add them to the key in the panel if you want these):',
			...missing.map((permission) => `- \`${permission}\`: ${FEATURE_PERMISSIONS[permission]}`),
		];
	} catch (error) {
		if (error instanceof PanelApiError && error.missingPermission === 'servers.read') {
			return ['Your key lacks the `servers.read` permission, so Wingman cannot list your servers. Add it to the key in the panel.'];
		}
		return [];
	}
}
