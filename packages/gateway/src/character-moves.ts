// What a player asks about its characters across the worlds of the cluster: the server browser's list with the
// account's characters in each world, and a transfer of the logged-in character to another world. The store does
// the transfer; the gateway tells the player how it went, and the store's word that the character left closes the
// session here (see PlayService.kick).
import type { StoreClient } from '@mmo/bus';
import type { Logger } from '@mmo/core';
import {
  encodeTransferResult,
  encodeWorldList,
  TransferStatus,
  transferStatusName,
  type WorldEntryData,
} from '@mmo/protocol';
import type { Session } from './session.js';

export interface CharacterMovesOptions {
  store: StoreClient;
  /** The server browser's list, without characters. */
  worlds: () => WorldEntryData[];
  world: string;
  send: (s: Session, bytes: Uint8Array) => void;
  /** Tells the player its character moved and ends its session here; false when it had ended already. */
  moved: (k: { character: number; toWorld: string; name: string }) => boolean;
  log: Logger;
}

const DONE = transferStatusName(TransferStatus.Done);

export class CharacterMoves {
  constructor(private readonly o: CharacterMovesOptions) {}

  /** Sends the world list; with a token (given, or the session's), each world lists the account's characters. */
  async listWorlds(s: Session, token: string): Promise<void> {
    const worlds = this.o.worlds();
    const names = token ? await this.characterNames(token) : new Map<string, string[]>();
    this.o.send(s, encodeWorldList(worlds.map((w) => ({ ...w, characters: names.get(w.id) ?? [] }))));
  }

  /**
   * Asks the store to move the session's character to `toWorld`, and tells the player the outcome. The session
   * logged in as the character: the gateway's word names it (account 0 skips the store's check of the owner).
   */
  async transfer(s: Session, toWorld: string, newName: string): Promise<void> {
    const request = {
      ...{ character: s.player, account: 0, accountName: '', characterName: s.name },
      ...{ fromWorld: this.o.world, toWorld, newName, by: 'player' },
    };
    let result: { status: string; message: string; name: string; retryAfterMs: number };
    try {
      const reply = await this.o.store.transfer(request);
      result = { ...reply, status: transferStatusName(reply.status) };
    } catch (error) {
      this.o.log.warn({ err: error, player: s.player, toWorld }, 'the store did not answer a transfer');
      result = {
        status: transferStatusName(TransferStatus.Unavailable),
        message: 'The transfer could not be confirmed. Look at your characters in the world list before trying again.',
        name: s.name,
        retryAfterMs: 0,
      };
    }
    this.o.log.info({ player: s.player, toWorld, status: result.status }, 'transfer asked by the player');
    // Moved: the session ends here, whether or not the store's word to the gateways came through first.
    if (result.status === DONE && this.o.moved({ character: s.player, toWorld, name: result.name })) return;
    this.o.send(s, encodeTransferResult({ ...result, toWorld }));
  }

  private async characterNames(token: string): Promise<Map<string, string[]>> {
    const byWorld = new Map<string, string[]>();
    try {
      const { characters } = await this.o.store.characters({ token, accountName: '' });
      for (const c of characters) byWorld.set(c.world, [...(byWorld.get(c.world) ?? []), c.name]);
    } catch (error) {
      this.o.log.warn({ err: error }, 'could not list an account characters for the world list');
    }
    return byWorld;
  }
}
