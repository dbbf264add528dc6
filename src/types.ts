import type {
	AutocompleteInteraction,
	ButtonInteraction,
	ChatInputCommandInteraction,
	Client,
	ModalSubmitInteraction,
	RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { PanelClient } from './panel/PanelClient.ts';
import type { ServerDirectory } from './panel/ServerDirectory.ts';
import type { RelayRegistry } from './relay/RelayRegistry.ts';
import type { LinkStore } from './store/links.ts';

export type ComponentInteraction = ButtonInteraction<'cached'> | ModalSubmitInteraction<'cached'>;

export type ComponentHandler = (interaction: ComponentInteraction, args: readonly string[], context: Context) => Promise<void>;

export interface Command {
	readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
	execute(interaction: ChatInputCommandInteraction<'cached'>, context: Context): Promise<void>;
	autocomplete?(interaction: AutocompleteInteraction<'cached'>, context: Context): Promise<void>;
	readonly components?: Readonly<Record<string, ComponentHandler>>;
}

/** Everything a command may use; built once in src/bot.ts and passed down. */
export interface Deps {
	readonly config: Config;
	readonly logger: Logger;
	readonly client: Client<true>;
	readonly links: LinkStore;
	readonly panelFor: (apiKey: string) => PanelClient;
	readonly servers: ServerDirectory;
	readonly relays: RelayRegistry;
}

export interface Context extends Deps {
	readonly logger: Logger;
}
