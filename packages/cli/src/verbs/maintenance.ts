// `mmo maintenance announce|cancel|end|status`: tell every player of the world that it closes for maintenance,
// take it back, open the world again, or see what is announced. Gateways carry it out; `mmo up` stops and starts
// the world's processes around it.
import { MaintenanceBoard, type MaintenanceRecord } from '@mmo/bus';
import { UsageError } from '@mmo/core';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { parseDuration } from '../duration.js';
import { withBus } from '../with-bus.js';

export const announceVerb: VerbSpec = {
  name: 'maintenance announce',
  summary: 'announce maintenance to every player; at the time they are saved and closed (needs NATS_URL)',
  usage: 'mmo maintenance announce --in 10m --message "..." [--duration 30m]',
  options: {
    in: { type: 'string', help: 'how long until the world closes: 90s, 10m, 1h (required)' },
    message: { type: 'string', help: 'what players are told (required)' },
    duration: { type: 'string', help: 'how long the maintenance should last (players are told when it is back)' },
  },
};

export const cancelVerb: VerbSpec = {
  name: 'maintenance cancel',
  summary: 'take the announcement back before it starts (needs NATS_URL)',
  usage: 'mmo maintenance cancel',
  options: {},
};

export const endVerb: VerbSpec = {
  name: 'maintenance end',
  summary: 'open the world again after maintenance: `mmo up` starts its processes, logins queue in (needs NATS_URL)',
  usage: 'mmo maintenance end',
  options: {},
};

export const statusVerb: VerbSpec = {
  name: 'maintenance status',
  summary: 'print the maintenance announced, if any (needs NATS_URL)',
  usage: 'mmo maintenance status [--json]',
  options: { json: { type: 'boolean', help: 'print JSON' } },
};

export async function runAnnounce(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(announceVerb, argv);
  if (values.help) return console.log(helpText(announceVerb));
  if (typeof values.in !== 'string') throw new UsageError('--in is required: when the world closes, such as 10m.');
  if (typeof values.message !== 'string' || values.message.trim() === '') {
    throw new UsageError('--message is required: what players are told.');
  }
  const now = Date.now();
  const startsAt = now + parseDuration(values.in, '--in');
  const lasts = typeof values.duration === 'string' ? parseDuration(values.duration, '--duration') : 0;
  const record: MaintenanceRecord = {
    startsAt,
    until: lasts > 0 ? startsAt + lasts : 0,
    message: values.message.trim(),
    announcedAt: now,
  };
  await withBus(config, 'maintenance announce', async (bus, subjects) => {
    await (await MaintenanceBoard.open(bus, subjects)).announce(record);
  });
  console.log(describe(record));
}

export async function runCancel(argv: string[]): Promise<void> {
  await clear(cancelVerb, argv, (r) => {
    if (Date.now() >= r.startsAt) {
      throw new UsageError('the maintenance has started: use `mmo maintenance end` to open the world again.');
    }
    return 'maintenance taken back: players are told, logins stay open';
  });
}

export async function runEnd(argv: string[]): Promise<void> {
  await clear(endVerb, argv, () => 'maintenance over: the world opens again and logins queue in');
}

async function clear(spec: VerbSpec, argv: string[], check: (r: MaintenanceRecord) => string): Promise<void> {
  const { values, config } = parseVerb(spec, argv);
  if (values.help) return console.log(helpText(spec));
  await withBus(config, spec.name, async (bus, subjects) => {
    const board = await MaintenanceBoard.open(bus, subjects);
    const current = await board.get();
    if (!current) throw new UsageError('no maintenance is announced.');
    const said = check(current);
    await board.clear();
    console.log(said);
  });
}

export async function runStatus(argv: string[]): Promise<void> {
  const { values, config } = parseVerb(statusVerb, argv);
  if (values.help) return console.log(helpText(statusVerb));
  await withBus(config, 'maintenance status', async (bus, subjects) => {
    const current = await (await MaintenanceBoard.open(bus, subjects)).get();
    if (values.json) return console.log(JSON.stringify(current));
    console.log(current ? describe(current) : 'no maintenance announced');
  });
}

function describe(r: MaintenanceRecord): string {
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  const starts = Date.now() >= r.startsAt ? `started at ${at(r.startsAt)}` : `starts at ${at(r.startsAt)}`;
  return `maintenance ${starts}${r.until ? `, back at ${at(r.until)}` : ''}: ${r.message}`;
}
