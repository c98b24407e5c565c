// `mmo character transfer|list`: move a character of an account to another world (for operators: the same fenced
// move a player asks for, under the same rules), or list an account's characters in every world.
import { StoreClient, TRANSFER_TIMEOUT_MS } from '@mmo/bus';
import { UsageError } from '@mmo/core';
import { TransferStatus, transferStatusName } from '@mmo/protocol';
import { helpText, parseVerb, type VerbSpec } from '../args.js';
import { withBus } from '../with-bus.js';

export const transferVerb: VerbSpec = {
  name: 'character transfer',
  summary: "move an account's character, with what it holds, to another world (needs NATS_URL)",
  usage: 'mmo character transfer <account> <character> <toWorld> [--name <new name>] [--from <world>]',
  options: {
    name: { type: 'string', help: 'its name in the new world, when its own is taken there' },
    from: { type: 'string', help: 'the world it leaves, when the account has characters of that name in several' },
    json: { type: 'boolean', help: 'print the outcome as JSON' },
  },
  positionals: true,
};

export const listVerb: VerbSpec = {
  name: 'character list',
  summary: "an account's characters in every world (needs NATS_URL)",
  usage: 'mmo character list <account> [--json]',
  options: { json: { type: 'boolean', help: 'print JSON lines' } },
  positionals: true,
};

export async function runCharacterTransfer(argv: string[]): Promise<void> {
  const { values, positionals, config } = parseVerb(transferVerb, argv);
  if (values.help) return console.log(helpText(transferVerb));
  const [accountName, characterName, toWorld] = positionals;
  if (!accountName || !characterName || !toWorld || positionals.length > 3) {
    throw new UsageError(`expected three arguments: ${transferVerb.usage}`);
  }
  const reply = await withBus(config, 'character transfer', (bus, subjects) =>
    new StoreClient(bus, subjects, config.store.requestTimeoutMs).transfer(
      {
        ...{ character: 0, account: 0, accountName, characterName, toWorld },
        fromWorld: typeof values.from === 'string' ? values.from : '',
        newName: typeof values.name === 'string' ? values.name : '',
        by: `ops:${process.env.USER ?? 'unknown'}`,
      },
      TRANSFER_TIMEOUT_MS,
    ),
  );
  const status = transferStatusName(reply.status);
  if (values.json) console.log(JSON.stringify({ ...reply, status }));
  else console.log(`${status}: ${reply.message}`);
  if (reply.status !== TransferStatus.Done && reply.status !== TransferStatus.AlreadyThere) process.exitCode = 1;
}

export async function runCharacterList(argv: string[]): Promise<void> {
  const { values, positionals, config } = parseVerb(listVerb, argv);
  if (values.help) return console.log(helpText(listVerb));
  const [accountName] = positionals;
  if (!accountName || positionals.length > 1) throw new UsageError(`expected one argument: ${listVerb.usage}`);
  const { found, characters } = await withBus(config, 'character list', (bus, subjects) =>
    new StoreClient(bus, subjects, config.store.requestTimeoutMs).characters({ token: '', accountName }),
  );
  if (!found) throw new UsageError(`there is no account ${accountName}.`);
  if (values.json) {
    for (const c of characters) console.log(JSON.stringify(c));
    return;
  }
  if (characters.length === 0) return console.log(`${accountName}: no characters yet`);
  console.log(`${'id'.padStart(8)}  ${'world'.padEnd(16)}${'name'.padEnd(24)}online`);
  for (const c of characters) {
    console.log(`${String(c.id).padStart(8)}  ${c.world.padEnd(16)}${c.name.padEnd(24)}${c.online ? 'yes' : 'no'}`);
  }
}
