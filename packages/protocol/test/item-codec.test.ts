import { describe, expect, test } from '@jest/globals';
import {
  ClientBody,
  decodeClientMessage,
  decodeGatewayToZone,
  decodeItemChange,
  decodeItemOutcome,
  decodeItemSync,
  decodeItemSyncReply,
  decodeServerMessage,
  emptyGatewayToZone,
  encodeClientMessage,
  encodeGatewayToZone,
  encodeInventory,
  encodeItemChange,
  encodeItemOutcome,
  encodeItemSync,
  encodeItemSyncReply,
  ItemAction,
  ServerBody,
} from '@mmo/protocol';

/** The bytes again at an odd offset, the way NATS may hand them over. */
function shifted(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes, 1);
  return out.subarray(1);
}

describe('item messages', () => {
  test('a player item request round-trips and an unknown action is refused', () => {
    const msg = { body: ClientBody.ItemRequest, action: ItemAction.Give, item: 42, toPlayer: 7 } as const;
    expect(decodeClientMessage(encodeClientMessage(msg))).toEqual(msg);
    const bad = encodeClientMessage({ ...msg, action: 9 as ItemAction });
    expect(() => decodeClientMessage(bad)).toThrow(/unknown item action 9/);
  });

  test('inventories reach the client', () => {
    const items = [
      { id: 1, kind: 'apple' },
      { id: 5, kind: 'rope' },
    ];
    expect(decodeServerMessage(encodeInventory(items))).toEqual({ body: ServerBody.Inventory, items });
  });

  test('gateway batches carry item requests', () => {
    const batch = emptyGatewayToZone('gw-1');
    batch.items.push({ player: 3, action: ItemAction.PickUp, item: 9, toPlayer: 0 });
    expect(decodeGatewayToZone(shifted(encodeGatewayToZone(batch)))).toEqual(batch);
  });

  test('store item changes, outcomes and syncs round-trip', () => {
    const change = { action: ItemAction.Drop, item: 9, actor: 3, actorEpoch: 2048, target: 0, x: 10.5, y: 20.25 };
    expect(decodeItemChange(shifted(encodeItemChange(change)))).toEqual(change);
    const outcome = {
      ok: true,
      reason: '',
      item: { id: 9, kind: 'apple', holder: 0, x: 10.5, y: 20.25 },
      actorItems: [{ id: 4, kind: 'rope', holder: 3, x: 0, y: 0 }],
      targetItems: [],
      seq: 17,
    };
    expect(decodeItemOutcome(shifted(encodeItemOutcome(outcome)))).toEqual(outcome);
    const refused = { ok: false, reason: 'gone', item: null, actorItems: [], targetItems: [], seq: 17 };
    expect(decodeItemOutcome(encodeItemOutcome(refused))).toEqual(refused);
    const sync = {
      zone: 'nw',
      x0: 0,
      y0: 0,
      x1: 512,
      y1: 512,
      spots: [{ index: 0, kind: 'apple', x: 100, y: 100, respawnSec: 30 }],
    };
    expect(decodeItemSync(shifted(encodeItemSync(sync)))).toEqual(sync);
    const reply = { seq: 3, ground: [{ id: 1, kind: 'apple', holder: 0, x: 100, y: 100 }] };
    expect(decodeItemSyncReply(shifted(encodeItemSyncReply(reply)))).toEqual(reply);
  });
});
