import { z } from 'zod';

// zod objects drop unknown keys: panel extensions may add fields, and we only read these.

export const POWER_ACTIONS = ['start', 'stop', 'restart', 'kill'] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

export const POWER_STATES = ['offline', 'starting', 'stopping', 'running'] as const;
export const powerState = z.enum(POWER_STATES);
export type PowerState = z.infer<typeof powerState>;

export const accountResponse = z.object({
	user: z.object({
		uuid: z.string(),
		username: z.string(),
		admin: z.boolean(),
		suspended: z.boolean(),
	}),
});
export type PanelAccount = z.infer<typeof accountResponse>['user'];

export const panelServer = z.object({
	uuid: z.string(),
	uuid_short: z.string(),
	name: z.string(),
	description: z.string().nullable(),
	status: z.string().nullable(),
	is_owner: z.boolean(),
	is_suspended: z.boolean(),
	is_transferring: z.boolean(),
	permissions: z.array(z.string()),
	node_name: z.string(),
	allocation: z.object({ ip: z.string(), ip_alias: z.string().nullable(), port: z.number() }).nullable(),
	egg: z.object({ name: z.string() }),
	limits: z.object({ cpu: z.number(), memory: z.number(), swap: z.number(), disk: z.number() }),
	feature_limits: z.object({ backups: z.number() }),
});
export type PanelServer = z.infer<typeof panelServer>;

const page = <Item extends z.ZodType>(item: Item) =>
	z.object({ total: z.number(), per_page: z.number(), page: z.number(), data: z.array(item) });

export const serverListResponse = z.object({ servers: page(panelServer) });
export const serverResponse = z.object({ server: panelServer });

export const resourceUsage = z.object({
	memory_bytes: z.number(),
	memory_limit_bytes: z.number(),
	disk_bytes: z.number(),
	state: powerState,
	network: z.object({ rx_bytes: z.number(), tx_bytes: z.number() }),
	cpu_absolute: z.number(),
	// Older Wings omit it; the embed then shows CPU without a limit.
	cpu_limit_absolute: z.number().optional(),
	uptime: z.number(),
});
export type ResourceUsage = z.infer<typeof resourceUsage>;
export const resourcesResponse = z.object({ resources: resourceUsage });

export const websocketTokenResponse = z.object({ token: z.string().min(1), url: z.string().min(1) });
export type WebsocketCredentials = z.infer<typeof websocketTokenResponse>;

export const panelBackup = z.object({
	uuid: z.string(),
	name: z.string(),
	ignored_files: z.array(z.string()),
	is_successful: z.boolean(),
	is_locked: z.boolean(),
	checksum: z.string().nullable(),
	bytes: z.number(),
	files: z.number(),
	deletion_status: z.string().nullable(),
	completed: z.string().nullable(),
	created: z.string(),
});
export type PanelBackup = z.infer<typeof panelBackup>;
export const backupListResponse = z.object({ backups: page(panelBackup) });
export const backupResponse = z.object({ backup: panelBackup });
export const downloadResponse = z.object({ url: z.string() });

export const emptyResponse = z.object({});

export const panelErrorBody = z.object({ errors: z.array(z.string()) });
