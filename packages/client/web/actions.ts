// Actions on things within reach: the items panel (what the player carries: drop it, or give it to the nearest
// player), E to pick up the nearest item lying within reach, F to strike the nearest NPC.
import { EntityKind, type InventoryItemData, ITEM_ID_BASE } from '@mmo/protocol';
import type { GameClient } from '../src/client.js';
import type { RemoteEntity } from '../src/interpolation.js';

export function showInventory(client: GameClient, items: readonly InventoryItemData[], list: HTMLElement): void {
  list.replaceChildren(
    ...items.map((item) => {
      const row = document.createElement('li');
      const name = document.createElement('span');
      name.textContent = item.kind;
      const drop = button('drop', () => client.drop(item.id));
      const give = button('give', () => {
        const to = nearest(client, EntityKind.Player);
        if (to) client.give(item.id, to.id);
      });
      row.append(name, drop, give);
      return row;
    }),
  );
}

/** Strikes the nearest NPC within reach, if any. */
export function strikeNearest(client: GameClient): boolean {
  const npc = nearest(client, EntityKind.Npc);
  if (!npc) return false;
  client.strike(npc.id);
  return true;
}

/** Picks up the nearest item within reach, if any; returns whether it asked. */
export function pickUpNearest(client: GameClient): boolean {
  const item = nearest(client, EntityKind.Item);
  if (!item) return false;
  client.pickUp(item.id - ITEM_ID_BASE);
  return true;
}

function nearest(client: GameClient, kind: EntityKind): RemoteEntity | null {
  const self = client.self;
  if (!self) return null;
  let best: RemoteEntity | null = null;
  let bestDistance = client.welcome?.reach ?? 0;
  for (const e of client.entities.values()) {
    if (e.kind !== kind) continue;
    const d = Math.hypot(e.x - self.x, e.y - self.y);
    if (d <= bestDistance) {
      best = e;
      bestDistance = d;
    }
  }
  return best;
}

function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}
