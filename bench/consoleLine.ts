// Paper/Minecraft-like console output. Each line carries `#<seq>` right after its prefix, outside any
// colour, so the bench can find every line again in what Discord received.
export const SEQUENCE_PATTERN = /#(\d+)/;

const MIN_VISIBLE_LENGTH = 40;
const MAX_VISIBLE_LENGTH = 200;
const ANSI_SHARE = 0.2;
const MENTION_SHARE = 0.05;

const PLAYERS = ['Steve', 'Alex', 'Notch', 'jeb_', 'Dinnerbone', 'xX_Sniper_Xx', 'builder42', 'Kayla'] as const;
const WORDS = [
	'chunk',
	'region',
	'entity',
	'tick',
	'world',
	'nether',
	'spawn',
	'player',
	'plugin',
	'loaded',
	'saving',
	'async',
	'scheduler',
	'overworld',
	'minecraft:stone',
	'ServerLevel[world]',
] as const;

const MESSAGES: readonly ((pick: Picker) => string)[] = [
	(pick) => `${pick.player()} joined the game`,
	(pick) => `${pick.player()} left the game`,
	(pick) => `UUID of player ${pick.player()} is 069a79f4-44e9-4726-a5be-fca90e38aaf5`,
	(pick) =>
		`${pick.player()}[/127.0.0.1:${pick.int(40_000, 60_000)}] logged in with entity id ${pick.int(100, 99_999)} at ([world]${pick.int(-500, 500)}.5, 64.0, ${pick.int(-500, 500)}.5)`,
	(pick) =>
		`Can't keep up! Is the server overloaded? Running ${pick.int(2_001, 9_000)}ms or ${pick.int(40, 180)} ticks behind`,
	(pick) => `Preparing spawn area: ${pick.int(0, 100)}%`,
	() => `[ChunkTaskScheduler] Saving chunks for level 'ServerLevel[world]'/minecraft:overworld`,
	(pick) =>
		`Villager EntityVillager['Villager'/${pick.int(100, 9_999)}, l='ServerLevel[world]', x=-120.50, y=64.00, z=230.30] died, message: 'Villager was slain by Zombie'`,
	(pick) => `[WorldEdit] ${pick.player()} used //set stone (${pick.int(1, 900)}k blocks) in ${pick.int(10, 2_000)} ms`,
	(pick) => `Done (${pick.int(5, 40)}.${pick.int(100, 999)}s)! For help, type "help"`,
	(pick) => `[Essentials] Loaded ${pick.int(1_000, 40_000)} items from items.json.`,
	() =>
		`\tat net.minecraft.server.MinecraftServer.runServer(MinecraftServer.java:1234) ~[paper-1.20.4.jar:git-Paper-435]`,
	(pick) => `<${pick.player()}> anyone got diamonds? meet at spawn`,
];

const MENTIONS: readonly ((pick: Picker) => string)[] = [
	(pick) => `<${pick.player()}> @everyone free nitro at \`\`\`https://example.invalid\`\`\``,
	(pick) => `<${pick.player()}> ping <@123456789012345678> and @here, run \`/spawn\` now`,
	(pick) => `[Discord] <@&987654321098765432> ${pick.player()} says \`\`\`js console.log(1)\`\`\``,
];

const COLOURS = ['\u001b[33m', '\u001b[31m', '\u001b[1;32m', '\u001b[38;2;255;170;0m', '\u001b[36m', '\u001b[93m'] as const;
const RESET = '\u001b[0m';

interface Picker {
	player(): string;
	int(min: number, max: number): number;
}

/** A small seeded generator (mulberry32), so every run emits the same lines. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d_2b_79_f5) >>> 0;
		let value = state;
		value = Math.imul(value ^ (value >>> 15), value | 1);
		value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
		return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** One console line of 40–200 visible characters: ~20% coloured, ~5% with mentions and backticks. */
export function consoleLine(sequence: number, random: () => number): string {
	const pick: Picker = {
		player: () => PLAYERS[Math.floor(random() * PLAYERS.length)] ?? 'Steve',
		int: (min, max) => min + Math.floor(random() * (max - min + 1)),
	};
	const seconds = sequence % 86_400;
	const time = [Math.floor(seconds / 3_600), Math.floor(seconds / 60) % 60, seconds % 60]
		.map((part) => String(part).padStart(2, '0'))
		.join(':');
	const isMention = random() < MENTION_SHARE;
	const isColoured = random() < ANSI_SHARE;
	const level = random() < 0.15 ? 'WARN' : 'INFO';
	const templates = isMention ? MENTIONS : MESSAGES;
	const template = templates[Math.floor(random() * templates.length)] ?? MESSAGES[0];
	const prefix = `[${time} ${level}]: #${sequence} `;

	const target = pick.int(MIN_VISIBLE_LENGTH, MAX_VISIBLE_LENGTH);
	let message = template ? template(pick) : '';
	while (prefix.length + message.length < target) {
		message += ` ${WORDS[Math.floor(random() * WORDS.length)] ?? 'tick'}`;
	}
	message = message.slice(0, Math.max(1, target - prefix.length)).trimEnd();

	if (!isColoured) return prefix + message;
	const colour = COLOURS[Math.floor(random() * COLOURS.length)] ?? COLOURS[0];
	// Either the level or the message is coloured, as Paper and its plugins do.
	return random() < 0.5
		? `[${time} ${colour}${level}${RESET}]: #${sequence} ${message}`
		: `${prefix}${colour}${message}${RESET}`;
}
