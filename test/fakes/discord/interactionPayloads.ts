import type { APIApplicationCommandInteractionDataOption } from 'discord.js';
import type { DiscordState } from './DiscordState.ts';
import {
	ATTACHMENT_SIZE_LIMIT_BYTES,
	MEMBER_PERMISSIONS,
	channelPayload,
	everyoneRolePayload,
	memberPayload,
	userPayload,
} from './payloads.ts';
import type { JsonObject, StoredInteraction } from './records.ts';

const OPTION_TYPE = { user: 6, channel: 7, role: 8, mentionable: 9 } as const;
const COMPONENT_TYPE = { actionRow: 1, textInput: 4, textDisplay: 10, label: 18 } as const;

/** The envelope every guild interaction shares, as Discord sends it today. */
export function interactionPayload(
	state: DiscordState,
	interaction: StoredInteraction,
	data: JsonObject,
	extra?: JsonObject,
): JsonObject {
	const channel = state.channel(interaction.channelId);
	return {
		id: interaction.id,
		application_id: state.applicationId,
		type: interaction.type,
		token: interaction.token,
		version: 1,
		data,
		guild: { id: state.guildId, locale: 'en-US', features: [] },
		guild_id: state.guildId,
		channel: channelPayload(state, channel),
		channel_id: channel.id,
		member: memberPayload(state.user(interaction.userId), { hasUser: true, hasPermissions: true }),
		app_permissions: MEMBER_PERMISSIONS,
		locale: 'en-US',
		guild_locale: 'en-US',
		entitlements: [],
		entitlement_sku_ids: [],
		authorizing_integration_owners: { '0': state.guildId },
		context: 0,
		attachment_size_limit: ATTACHMENT_SIZE_LIMIT_BYTES,
		...extra,
	};
}

/** Uses the registered command's id when the bot deployed one with this name, like Discord would. */
export function commandData(
	state: DiscordState,
	name: string,
	options: readonly APIApplicationCommandInteractionDataOption[],
): JsonObject {
	const registered = [...state.guildCommands, ...state.globalCommands].find(
		(command) => command.name === name && (command.type ?? 1) === 1,
	);
	const resolved = resolveOptions(state, options);
	return {
		id: typeof registered?.id === 'string' ? registered.id : state.ids.next(),
		name,
		type: 1,
		...(options.length > 0 && { options }),
		...(typeof registered?.guild_id === 'string' && { guild_id: registered.guild_id }),
		...(resolved && { resolved }),
	};
}

/** Entity options carry ids; Discord adds the objects under `resolved`, and discord.js reads them there. */
function resolveOptions(
	state: DiscordState,
	options: readonly APIApplicationCommandInteractionDataOption[],
): JsonObject | null {
	const users: JsonObject = {};
	const members: JsonObject = {};
	const channels: JsonObject = {};
	const roles: JsonObject = {};
	const visit = (option: APIApplicationCommandInteractionDataOption): void => {
		if ('options' in option && option.options) {
			for (const child of option.options) visit(child);
		}

		if (!('value' in option) || typeof option.value !== 'string') return;
		const id = option.value;
		if (option.type === OPTION_TYPE.user || (option.type === OPTION_TYPE.mentionable && id !== state.guildId)) {
			const user = state.user(id);
			users[id] = userPayload(user);
			members[id] = memberPayload(user, { hasUser: false, hasPermissions: true });
		} else if (option.type === OPTION_TYPE.channel) {
			const channel = state.channels.get(id);
			if (channel) channels[id] = { ...channelPayload(state, channel), permissions: MEMBER_PERMISSIONS };
		} else if (option.type === OPTION_TYPE.role || option.type === OPTION_TYPE.mentionable) {
			if (id === state.guildId) roles[id] = everyoneRolePayload(state.guildId);
		}
	};

	for (const option of options) visit(option);
	const groups = Object.entries({ users, members, channels, roles }).filter(
		([, group]) => Object.keys(group).length > 0,
	);
	return groups.length > 0 ? Object.fromEntries(groups) : null;
}

/**
 * Mirrors the layout of the modal the bot showed (action rows, or labels in newer modals); a modal the
 * fake never saw is answered with classic action rows. Fields the shown modal lacks are a test bug.
 */
export function modalSubmitComponents(
	state: DiscordState,
	customId: string,
	fields: Record<string, string>,
): unknown[] {
	const shown = state.modals.get(customId);
	if (!shown) {
		return Object.entries(fields).map(([fieldId, value], index) => ({
			type: COMPONENT_TYPE.actionRow,
			id: index * 2 + 1,
			components: [{ type: COMPONENT_TYPE.textInput, id: index * 2 + 2, custom_id: fieldId, value }],
		}));
	}

	const used = new Set<string>();
	let nextId = 1;
	const leaf = (raw: unknown): JsonObject => {
		const component = isRecord(raw) ? raw : {};
		const id = typeof component.id === 'number' ? component.id : nextId++;
		const fieldId = typeof component.custom_id === 'string' ? component.custom_id : null;
		if (component.type === COMPONENT_TYPE.textInput && fieldId !== null) {
			used.add(fieldId);
			return { type: COMPONENT_TYPE.textInput, id, custom_id: fieldId, value: fields[fieldId] ?? '' };
		}

		return { type: component.type, id, ...(fieldId !== null && { custom_id: fieldId, values: [] }) };
	};

	const components = shown.body.components.map((component): JsonObject => {
		const id = typeof component.id === 'number' ? component.id : nextId++;
		if (component.type === COMPONENT_TYPE.actionRow && Array.isArray(component.components)) {
			return { type: COMPONENT_TYPE.actionRow, id, components: component.components.map(leaf) };
		}

		if (component.type === COMPONENT_TYPE.label) {
			return { type: COMPONENT_TYPE.label, id, component: leaf(component.component) };
		}

		return { type: component.type, id };
	});

	const missing = Object.keys(fields).filter((fieldId) => !used.has(fieldId));
	if (missing.length > 0) {
		const present = [...used].join(', ') || 'none';
		throw new Error(`Modal "${customId}" shown by the bot has no text input ${missing.join(', ')}; it has ${present}`);
	}

	return components;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
