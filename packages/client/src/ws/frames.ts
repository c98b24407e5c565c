// WebSocket framing (RFC 6455, section 5) for the client side: frames a client sends are masked, frames a server
// sends are not. Pure: bytes in, events out, no sockets, so every edge of the format is tested directly.

export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

/** Close codes this side sends when the peer breaks the protocol (RFC 6455, section 7.4.1). */
export const WsClose = {
  Normal: 1000,
  ProtocolError: 1002,
  InvalidData: 1007,
  TooBig: 1009,
  /** Never sent: reported when a close frame had no code. */
  NoStatus: 1005,
  /** Never sent: reported when the connection ended without a close frame. */
  Abnormal: 1006,
} as const;

/** Largest control frame payload. */
const MAX_CONTROL_PAYLOAD = 125;

export interface FrameSink {
  /** A whole message. Binary data is a view that stays valid only until this call returns. */
  message(data: Uint8Array | string): void;
  ping(payload: Uint8Array): void;
  /** The peer's close frame. */
  peerClose(code: number, reason: string): void;
  /** The peer broke the protocol: close the connection with this code. */
  fail(code: number, reason: string): void;
}

/** Encodes one frame with the given 4-byte mask (clients must mask every frame). */
export function encodeFrame(opcode: number, payload: Uint8Array, mask: Uint8Array, maskAt = 0): Buffer {
  const n = payload.length;
  const lengthBytes = n < 126 ? 0 : n < 0x10000 ? 2 : 8;
  const head = 2 + lengthBytes;
  const out = Buffer.allocUnsafe(head + 4 + n);
  out[0] = 0x80 | opcode;
  if (lengthBytes === 0) out[1] = 0x80 | n;
  else if (lengthBytes === 2) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeUInt32BE(Math.floor(n / 0x1_0000_0000), 2);
    out.writeUInt32BE(n >>> 0, 6);
  }
  for (let k = 0; k < 4; k++) out[head + k] = mask[maskAt + k] as number;
  const body = head + 4;
  for (let i = 0; i < n; i++) out[body + i] = (payload[i] as number) ^ (mask[maskAt + (i & 3)] as number);
  return out;
}

/**
 * Codes a close frame may carry (RFC 6455, section 7.4): the defined ones that can be sent, and 3000-4999 for
 * libraries and applications. 1005, 1006 and 1015 only ever describe a close locally.
 */
export function isSendableCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

/** The payload of a close frame: the code, then a reason cut to at most 123 bytes of UTF-8, between characters. */
export function closePayload(code: number, reason: string): Uint8Array {
  const full = Buffer.from(reason, 'utf8');
  let cut = Math.min(full.length, MAX_CONTROL_PAYLOAD - 2);
  // Never end inside a character: step back over continuation bytes (10xxxxxx) to the start of the cut one.
  if (cut < full.length) while (cut > 0 && ((full[cut] as number) & 0xc0) === 0x80) cut--;
  const text = full.subarray(0, cut);
  const out = Buffer.allocUnsafe(2 + text.length);
  out.writeUInt16BE(code, 0);
  out.set(text, 2);
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Above this, a drained buffer of held bytes is given back rather than kept for the next cut frame. */
const KEEP_HELD_BYTES = 16 * 1024;

/**
 * Turns the bytes a server sends into messages. Complete frames in a chunk are handed on as views of that chunk;
 * only a frame cut across chunks is copied (into a buffer kept for the purpose), and of the next chunk only what
 * completes it. Nothing is read after the peer's close frame or a protocol error.
 */
export class FrameParser {
  private held = new Uint8Array(0);
  private heldLength = 0;
  /** Parts of a fragmented message so far, and its type. */
  private parts: Uint8Array[] = [];
  private partsLength = 0;
  private partsOpcode = -1;
  /** Set by a protocol error or the peer's close frame: the stream is over. */
  private ended = false;

  constructor(
    private readonly sink: FrameSink,
    private readonly maxPayload: number,
  ) {}

  /** Feeds received bytes. The caller may reuse `chunk` as soon as this returns. */
  push(chunk: Uint8Array): void {
    let at = 0;
    // First finish the frame cut at the end of the last chunk, taking from this one only the bytes it lacks.
    while (this.heldLength > 0 && at < chunk.length && !this.ended) {
      const take = Math.max(1, Math.min(this.heldFrameBytes() - this.heldLength, chunk.length - at));
      this.hold(chunk.subarray(at, at + take));
      at += take;
      const used = this.parse(this.held, 0, this.heldLength);
      this.held.copyWithin(0, used, this.heldLength);
      this.heldLength -= used;
    }
    if (this.heldLength === 0 && this.held.length > KEEP_HELD_BYTES) this.held = new Uint8Array(0);
    if (this.ended || at === chunk.length) return;
    const used = this.parse(chunk, at, chunk.length);
    if (used < chunk.length && !this.ended) this.hold(chunk.subarray(used));
  }

  /** Size of the frame that starts the held bytes, or of as much of its header as is needed to learn it. */
  private heldFrameBytes(): number {
    const h = this.held;
    if (this.heldLength < 2) return 2;
    const len7 = (h[1] as number) & 0x7f;
    const head = len7 < 126 ? 2 : len7 === 126 ? 4 : 10;
    if (this.heldLength < head) return head;
    if (len7 < 126) return head + len7;
    if (len7 === 126) return head + (((h[2] as number) << 8) | (h[3] as number));
    return head + readU32(h, 2) * 0x1_0000_0000 + readU32(h, 6);
  }

  private hold(bytes: Uint8Array): void {
    const need = this.heldLength + bytes.length;
    if (need > this.held.length) {
      const bigger = new Uint8Array(Math.max(need, this.held.length * 2, 1024));
      bigger.set(this.held.subarray(0, this.heldLength));
      this.held = bigger;
    }
    this.held.set(bytes, this.heldLength);
    this.heldLength = need;
  }

  /** Handles every complete frame in bytes[start, end); returns where the first incomplete one starts. */
  private parse(bytes: Uint8Array, start: number, end: number): number {
    let at = start;
    while (!this.ended && end - at >= 2) {
      const b0 = bytes[at] as number;
      const b1 = bytes[at + 1] as number;
      let length = b1 & 0x7f;
      let head = 2;
      if (length === 126) {
        if (end - at < 4) break;
        length = ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number);
        head = 4;
      } else if (length === 127) {
        if (end - at < 10) break;
        const high = readU32(bytes, at + 2);
        length = high * 0x1_0000_0000 + readU32(bytes, at + 6);
        head = 10;
      }
      if (!this.checkHeader(b0, b1, length)) break;
      if (end - at < head + length) break;
      this.frame(b0 & 0x80, b0 & 0x0f, bytes.subarray(at + head, at + head + length));
      at += head + length;
    }
    return at;
  }

  private checkHeader(b0: number, b1: number, length: number): boolean {
    const opcode = b0 & 0x0f;
    if (b0 & 0x70) return this.fail(WsClose.ProtocolError, 'reserved bits set without an extension');
    if (b1 & 0x80) return this.fail(WsClose.ProtocolError, 'a server frame must not be masked');
    if (opcode >= 0x8) {
      if (opcode !== Opcode.Close && opcode !== Opcode.Ping && opcode !== Opcode.Pong)
        return this.fail(WsClose.ProtocolError, `unknown control opcode ${opcode}`);
      if (!(b0 & 0x80) || length > MAX_CONTROL_PAYLOAD)
        return this.fail(WsClose.ProtocolError, 'control frames must be whole and at most 125 bytes');
    } else if (opcode > Opcode.Binary) return this.fail(WsClose.ProtocolError, `unknown data opcode ${opcode}`);
    const sofar = opcode >= 0x8 ? 0 : this.partsLength;
    if (sofar + length > this.maxPayload)
      return this.fail(WsClose.TooBig, `message larger than ${this.maxPayload} bytes`);
    return true;
  }

  private frame(fin: number, opcode: number, payload: Uint8Array): void {
    if (opcode === Opcode.Ping) return this.sink.ping(payload);
    if (opcode === Opcode.Pong) return;
    if (opcode === Opcode.Close) return this.closeFrame(payload);
    if (opcode === Opcode.Continuation) {
      if (this.partsOpcode < 0) return void this.fail(WsClose.ProtocolError, 'continuation without a first frame');
    } else if (this.partsOpcode >= 0) {
      return void this.fail(WsClose.ProtocolError, 'new message before the last one ended');
    }
    if (fin && this.partsOpcode < 0) return this.deliver(opcode, payload);
    if (this.partsOpcode < 0) this.partsOpcode = opcode;
    this.parts.push(payload.slice());
    this.partsLength += payload.length;
    if (!fin) return;
    const whole = Buffer.concat(this.parts, this.partsLength);
    const type = this.partsOpcode;
    this.parts = [];
    this.partsLength = 0;
    this.partsOpcode = -1;
    this.deliver(type, whole);
  }

  private deliver(opcode: number, payload: Uint8Array): void {
    if (opcode === Opcode.Binary) return this.sink.message(payload);
    let text: string;
    try {
      text = utf8.decode(payload);
    } catch {
      return void this.fail(WsClose.InvalidData, 'text message is not UTF-8');
    }
    this.sink.message(text);
  }

  private closeFrame(payload: Uint8Array): void {
    if (payload.length === 0) {
      this.ended = true;
      return this.sink.peerClose(WsClose.NoStatus, '');
    }
    if (payload.length === 1) return void this.fail(WsClose.ProtocolError, 'close frame with a one-byte payload');
    const code = ((payload[0] as number) << 8) | (payload[1] as number);
    if (!isSendableCloseCode(code)) return void this.fail(WsClose.ProtocolError, `close code ${code} is not allowed`);
    let reason: string;
    try {
      reason = utf8.decode(payload.subarray(2));
    } catch {
      return void this.fail(WsClose.InvalidData, 'close reason is not UTF-8');
    }
    this.ended = true;
    this.sink.peerClose(code, reason);
  }

  private fail(code: number, reason: string): false {
    this.ended = true;
    this.sink.fail(code, reason);
    return false;
  }
}

function readU32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at] as number) * 0x100_0000 +
    (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number))
  );
}
