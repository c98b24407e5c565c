// `mmo store backup <file>`: an online copy of the world database, safe while the world runs.
import { resolve } from 'node:path';
import { backupDatabase, databaseFile } from '@mmo/store';
import { helpText, parseVerb, type VerbSpec } from '../args.js';

export const storeBackupVerb: VerbSpec = {
  name: 'store backup',
  summary: 'copy the world database to <file> while the world runs (SQLite online backup, checked before it is kept)',
  usage: 'mmo store backup <file> [--data <folder>]',
  options: {},
  positionals: true,
};

export async function runStoreBackup(argv: string[]): Promise<void> {
  const { values, positionals, config } = parseVerb(storeBackupVerb, argv);
  if (values.help) return console.log(helpText(storeBackupVerb));
  const target = positionals[0];
  if (!target) {
    console.error(`mmo store backup: name the backup file.\n\n${helpText(storeBackupVerb)}`);
    process.exitCode = 2;
    return;
  }
  const source = databaseFile(config);
  const dest = resolve(target);
  console.log(`backing up ${source} to ${dest}`);
  let shown = -1;
  const result = await backupDatabase(source, dest, ({ totalPages, remainingPages }) => {
    const percent = totalPages === 0 ? 100 : Math.floor(((totalPages - remainingPages) / totalPages) * 100);
    if (percent >= shown + 10) {
      shown = percent;
      console.log(`  ${percent} % (${totalPages - remainingPages} of ${totalPages} pages)`);
    }
  });
  console.log(`  100 % (${result.pages} pages)`);
  console.log(
    `done: ${result.file}, ${Math.ceil(result.bytes / 1024)} KiB, schema version ${result.schemaVersion}, ` +
      `${result.characters} characters; integrity check ok`,
  );
}
