import { randomUUID } from 'node:crypto';

export type PowerState = 'offline' | 'starting' | 'stopping' | 'running';
export type PowerAction = 'start' | 'stop' | 'restart' | 'kill';
export type ServerStatus = null | 'installing' | 'install_failed' | 'restoring_backup' | 'backup_restore_failed';

export const POWER_ACTIONS: readonly PowerAction[] = ['start', 'stop', 'restart', 'kill'];

/** The panel's FullUser (API.md §13); mutate fields such as `suspended` directly. */
export interface FakeUser {
	uuid: string;
	username: string;
	role: null;
	avatar: string | null;
	email: string;
	name_first: string;
	name_last: string;
	admin: boolean;
	frozen: boolean;
	suspended: boolean;
	totp_enabled: boolean;
	totp_last_used: string | null;
	require_two_factor: boolean;
	language: string;
	toast_position: string;
	start_on_grouped_servers: boolean;
	has_password: boolean;
	created: string;
}

/** The panel's Backup object (API.md §13), kept in creation order on its server. */
export interface FakeBackup {
	uuid: string;
	backup_group_uuid: string | null;
	name: string;
	ignored_files: string[];
	is_successful: boolean;
	is_locked: boolean;
	is_browsable: boolean;
	is_streaming: boolean;
	checksum: string | null;
	bytes: number;
	files: number;
	metadata: unknown;
	deletion_status: null | 'deleting' | 'failed';
	completed: string | null;
	created: string;
}

export interface ServerLimits {
	cpu: number;
	memory: number;
	swap: number;
	disk: number;
}

/** Usage reported while the process runs; `state`, limits and uptime are derived when serialised. */
export interface ResourceSample {
	memory_bytes: number;
	disk_bytes: number;
	network: { rx_bytes: number; rx_packets: number; tx_bytes: number; tx_packets: number };
	cpu_absolute: number;
}

export interface ResourceUsage extends ResourceSample {
	memory_limit_bytes: number;
	state: PowerState;
	cpu_limit_absolute: number;
	uptime: number;
}

export interface FakeServer {
	readonly uuid: string;
	readonly uuid_short: string;
	name: string;
	description: string | null;
	owner: FakeUser;
	/** Writing this directly changes nothing on the sockets; use `FakePanel.setState` for that. */
	state: PowerState;
	status: ServerStatus;
	suspended: boolean;
	transferring: boolean;
	backupLimit: number;
	limits: ServerLimits;
	resources: ResourceSample;
	backups: FakeBackup[];
	/** Console history, oldest first, as served by `send logs` and `GET logs`. */
	logs: string[];
	/** Subuser user uuid → their server permissions. */
	subusers: Map<string, string[]>;
	startedAt: number | null;
	readonly port: number;
	readonly created: string;
}

export interface AddUserInput {
	username?: string;
	admin?: boolean;
	email?: string;
}

export interface AddServerInput {
	owner: FakeUser;
	uuid?: string;
	name?: string;
	description?: string | null;
	state?: PowerState;
	status?: ServerStatus;
	suspended?: boolean;
	transferring?: boolean;
	backupLimit?: number;
	limits?: Partial<ServerLimits>;
}

// Shared, fixture-valued parts of every server (fixtures/server.json).
const NODE = {
	location_uuid: '5e8a1d3c-94b2-4f67-8c0d-2a7e6b9f1c35',
	location_name: 'Frankfurt',
	location_flag: 'de',
	node_uuid: 'c2b9f6e4-7a31-4d85-a0fe-59e1d3b7c842',
	node_name: 'fake-node-01',
	node_maintenance_enabled: false,
	sftp_host: '127.0.0.1',
	sftp_port: 2022,
} as const;
const STARTUP = 'java -Xms128M -XX:MaxRAMPercentage=95.0 -jar {{SERVER_JARFILE}}';
const IMAGE = 'ghcr.io/pterodactyl/yolks:java_21';
const EGG = {
	uuid: '1b6f9d2e-3c84-47a5-b901-e8d7c4a2f610',
	name: 'Paper',
	description: 'High performance Minecraft server fork.',
	startup_commands: { Default: STARTUP },
	separate_port: false,
	features: ['eula', 'java_version', 'pid_limit'],
	docker_images: { 'Java 21': IMAGE, 'Java 17': 'ghcr.io/pterodactyl/yolks:java_17' },
	created: '2026-03-02T18:44:09.120531Z',
} as const;
// What Wings reports for an unlimited CPU: host threads × 100.
const HOST_CPU_LIMIT = 1_600;
const MIB_BYTES = 1_048_576;

export function createUser(input: AddUserInput, index: number): FakeUser {
	const username = input.username ?? `user${index}`;
	return {
		uuid: randomUUID(),
		username,
		role: null,
		avatar: null,
		email: input.email ?? `${username}@example.com`,
		name_first: username,
		name_last: 'Example',
		admin: input.admin ?? false,
		frozen: false,
		suspended: false,
		totp_enabled: false,
		totp_last_used: null,
		require_two_factor: false,
		language: 'en',
		toast_position: 'bottom_right',
		start_on_grouped_servers: false,
		has_password: true,
		created: timestamp(),
	};
}

export function createServer(input: AddServerInput, index: number): FakeServer {
	const uuid = (input.uuid ?? randomUUID()).toLowerCase();
	const state = input.state ?? 'offline';
	return {
		uuid,
		uuid_short: uuid.slice(0, 8),
		name: input.name ?? `Server ${index}`,
		description: input.description ?? null,
		owner: input.owner,
		state,
		status: input.status ?? null,
		suspended: input.suspended ?? false,
		transferring: input.transferring ?? false,
		backupLimit: input.backupLimit ?? 5,
		limits: { cpu: 200, memory: 4_096, swap: 0, disk: 20_480, ...input.limits },
		resources: {
			memory_bytes: 2_684_354_560,
			disk_bytes: 1_873_215_488,
			network: { rx_bytes: 48_211_943, rx_packets: 61_830, tx_bytes: 391_022_617, tx_packets: 298_114 },
			cpu_absolute: 37.482,
		},
		backups: [],
		logs: [],
		subusers: new Map(),
		startedAt: state === 'offline' ? null : Date.now(),
		port: 25_565 + index,
		created: timestamp(),
	};
}

export function createBackup(server: FakeServer, name: string | null, ignoredFiles: string[]): FakeBackup {
	return {
		uuid: randomUUID(),
		backup_group_uuid: null,
		name: name ?? panelLocalTime(new Date()),
		ignored_files: ignoredFiles,
		is_successful: false,
		is_locked: false,
		is_browsable: false,
		is_streaming: false,
		checksum: null,
		bytes: 0,
		files: 0,
		metadata: backupMetadata(server),
		deletion_status: null,
		completed: null,
		created: timestamp(),
	};
}

function backupMetadata(server: FakeServer): unknown {
	return {
		startup: STARTUP,
		image: IMAGE,
		variables: { SERVER_JARFILE: 'server.jar', MINECRAFT_VERSION: 'latest', SERVER_PORT: String(server.port) },
	};
}

/** The panel's ApiServer as `viewer` sees it (fixtures/server.json layout, key order included). */
export function serializeServer(server: FakeServer, viewer: FakeUser): Record<string, unknown> {
	const isOwner = server.owner.uuid === viewer.uuid;
	const subuserPermissions = server.subusers.get(viewer.uuid);
	return {
		uuid: server.uuid,
		uuid_short: server.uuid_short,
		allocation: {
			uuid: uuidFrom(server.uuid, 'a'),
			ip: '127.0.0.1',
			ip_alias: null,
			port: server.port,
			notes: null,
			is_primary: true,
			created: server.created,
		},
		egg: EGG,
		egg_configuration: {
			allocation_self_assign_enabled: false,
			allocation_self_assign_require_primary: false,
			startup_allow_custom_command: false,
			route_order: null,
		},
		status: server.status,
		is_owner: isOwner,
		is_suspended: server.suspended,
		is_transferring: server.transferring,
		permissions: isOwner || viewer.admin || !subuserPermissions ? ['*'] : [...subuserPermissions],
		...NODE,
		name: server.name,
		description: server.description,
		limits: { ...server.limits },
		feature_limits: { allocations: 2, databases: 1, backups: server.backupLimit, schedules: 10 },
		startup: STARTUP,
		image: IMAGE,
		auto_kill: { enabled: false, seconds: 30 },
		auto_start_behavior: 'unless_stopped',
		timezone: null,
		created: server.created,
	};
}

/** ResourceUsage (REST and the `stats` frame): a stopped container reports zeros except disk and CPU limit. */
export function serializeResources(server: FakeServer): ResourceUsage {
	const isOffline = server.state === 'offline';
	const { resources, limits } = server;
	return {
		memory_bytes: isOffline ? 0 : resources.memory_bytes,
		memory_limit_bytes: isOffline ? 0 : limits.memory * MIB_BYTES,
		disk_bytes: resources.disk_bytes,
		state: server.state,
		network: isOffline ? { rx_bytes: 0, rx_packets: 0, tx_bytes: 0, tx_packets: 0 } : { ...resources.network },
		cpu_absolute: isOffline ? 0 : resources.cpu_absolute,
		cpu_limit_absolute: limits.cpu === 0 ? HOST_CPU_LIMIT : limits.cpu,
		uptime: isOffline || server.startedAt === null ? 0 : Date.now() - server.startedAt,
	};
}

export function timestamp(date = new Date()): string {
	return date.toISOString();
}

// The panel names unnamed backups with its local time; the fake's "local" zone is UTC.
function panelLocalTime(date: Date): string {
	return `${date.toISOString().slice(0, 19).replace('T', ' ')} +0000`;
}

// A stable uuid for a server's sub-object, so repeated reads return the same allocation uuid.
function uuidFrom(uuid: string, marker: string): string {
	return `${marker}${uuid.slice(1)}`;
}
