// Client-to-server messages: encoding (client SDK) and verified decoding (gateway).
import { ProtocolError } from '@mmo/core';
import { Builder, ByteBuffer } from 'flatbuffers';
import { ClientMessageShape } from './client-shapes.js';
import {
  Attack,
  Chat,
  ClientBody,
  ClientMessage,
  ItemRequest,
  ListWorlds,
  Login,
  MoveInput,
  Ping,
  Register,
  Resume,
  Transfer,
} from './gen/client_generated.js';
import { ItemAction } from './gen/common_generated.js';
import { verify } from './verifier.js';

export type ClientMessageData =
  | { body: ClientBody.Register; username: string; password: string; spawn?: { x: number; y: number } }
  | { body: ClientBody.Login; username: string; password: string }
  | { body: ClientBody.Resume; token: string }
  | { body: ClientBody.MoveInput; seq: number; moveX: number; moveY: number }
  | { body: ClientBody.Chat; text: string }
  | { body: ClientBody.Ping; clientTime: number }
  | { body: ClientBody.ItemRequest; action: ItemAction; item: number; toPlayer: number }
  | { body: ClientBody.Attack; target: number }
  | { body: ClientBody.ListWorlds; token?: string }
  | { body: ClientBody.Transfer; toWorld: string; newName: string };

/** Encodes one client message; returns a fresh copy (sockets may keep a reference to it). */
export function encodeClientMessage(msg: ClientMessageData, builder = new Builder(128)): Uint8Array {
  builder.clear();
  const body = buildBody(builder, msg);
  builder.finish(ClientMessage.createClientMessage(builder, msg.body, body));
  return builder.asUint8Array().slice();
}

/** Encodes client messages with one builder kept for the purpose (a client sends many small messages). */
export class ClientMessageEncoder {
  private readonly builder = new Builder(128);

  encode(msg: ClientMessageData): Uint8Array {
    return encodeClientMessage(msg, this.builder);
  }
}

function buildBody(b: Builder, msg: ClientMessageData): number {
  switch (msg.body) {
    case ClientBody.Register:
      return Register.createRegister(
        b,
        b.createString(msg.username),
        b.createString(msg.password),
        msg.spawn?.x ?? 0,
        msg.spawn?.y ?? 0,
        msg.spawn !== undefined,
      );
    case ClientBody.Login:
      return Login.createLogin(b, b.createString(msg.username), b.createString(msg.password));
    case ClientBody.Resume:
      return Resume.createResume(b, b.createString(msg.token));
    case ClientBody.MoveInput:
      return MoveInput.createMoveInput(b, msg.seq, msg.moveX, msg.moveY);
    case ClientBody.Chat:
      return Chat.createChat(b, b.createString(msg.text));
    case ClientBody.Ping:
      return Ping.createPing(b, msg.clientTime);
    case ClientBody.ItemRequest:
      return ItemRequest.createItemRequest(b, msg.action, msg.item, msg.toPlayer);
    case ClientBody.Attack:
      return Attack.createAttack(b, msg.target);
    case ClientBody.ListWorlds:
      return ListWorlds.createListWorlds(b, b.createString(msg.token ?? ''));
    case ClientBody.Transfer:
      return Transfer.createTransfer(b, b.createString(msg.toWorld), b.createString(msg.newName));
  }
}

/** Verifies and decodes one client frame. Throws ProtocolError (its message is a short reason) when malformed. */
export function decodeClientMessage(bytes: Uint8Array): ClientMessageData {
  const problem = verify(bytes, ClientMessageShape);
  if (problem !== null) throw new ProtocolError(problem);
  const root = ClientMessage.getRootAsClientMessage(new ByteBuffer(bytes));
  const body = root.bodyType();
  switch (body) {
    case ClientBody.Register: {
      const m = root.body(new Register()) as Register;
      const registration = { body, username: m.username() ?? '', password: m.password() ?? '' } as const;
      return m.chooseSpawn() ? { ...registration, spawn: { x: m.spawnX(), y: m.spawnY() } } : registration;
    }
    case ClientBody.Login: {
      const m = root.body(new Login()) as Login;
      return { body, username: m.username() ?? '', password: m.password() ?? '' };
    }
    case ClientBody.Resume:
      return { body, token: (root.body(new Resume()) as Resume).token() ?? '' };
    case ClientBody.MoveInput: {
      const m = root.body(new MoveInput()) as MoveInput;
      return { body, seq: m.seq(), moveX: m.moveX(), moveY: m.moveY() };
    }
    case ClientBody.Chat:
      return { body, text: (root.body(new Chat()) as Chat).text() ?? '' };
    case ClientBody.Ping:
      return { body, clientTime: (root.body(new Ping()) as Ping).clientTime() };
    case ClientBody.ItemRequest: {
      const m = root.body(new ItemRequest()) as ItemRequest;
      const action = m.action();
      if (!(action in ItemAction)) throw new ProtocolError(`unknown item action ${action}`);
      return { body, action, item: m.item(), toPlayer: m.toPlayer() };
    }
    case ClientBody.Attack:
      return { body, target: (root.body(new Attack()) as Attack).target() };
    case ClientBody.ListWorlds:
      return { body, token: (root.body(new ListWorlds()) as ListWorlds).token() ?? '' };
    case ClientBody.Transfer: {
      const m = root.body(new Transfer()) as Transfer;
      return { body, toWorld: m.toWorld() ?? '', newName: m.newName() ?? '' };
    }
    default:
      throw new ProtocolError(`unknown message type ${body}`);
  }
}
