/**
 * The Official Account's signatures and safe mode (消息加解密), with node:crypto. Pure.
 * - signature = sha1(sort(token, timestamp, nonce)) (GET verification, plaintext POST);
 * - msg_signature = sha1(sort(token, timestamp, nonce, Encrypt)) (safe mode);
 * - AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padding to
 *   32 bytes; plaintext = 16 random bytes + 4-byte big-endian length + message + appid.
 * Checked against wechatpy's published vectors (test/wechat-mp/crypto.test.ts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BLOCK = 32;

export function sha1Sorted(parts: string[]): string {
  return createHash('sha1').update([...parts].sort().join('')).digest('hex');
}

/** Compares two hex signatures in constant time (a wrong length is simply false). */
export function sameSignature(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function checkSignature(token: string, q: { signature?: string; timestamp?: string; nonce?: string }): boolean {
  if (!q.timestamp || !q.nonce) return false;
  return sameSignature(sha1Sorted([token, q.timestamp, q.nonce]), q.signature);
}

export class WechatCrypto {
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor(private readonly token: string, encodingAesKey: string, private readonly appId: string) {
    const key = Buffer.from(encodingAesKey + '=', 'base64');
    if (encodingAesKey.length !== 43 || key.length !== 32) throw new Error('yishi: WECHAT_MP_AES_KEY must be the 43-character EncodingAESKey');
    this.key = key;
    this.iv = key.subarray(0, 16);
  }

  signature(timestamp: string, nonce: string, encrypted: string): string {
    return sha1Sorted([this.token, timestamp, nonce, encrypted]);
  }

  checkMsgSignature(msgSignature: string | undefined, timestamp: string | undefined, nonce: string | undefined, encrypted: string): boolean {
    if (!timestamp || !nonce) return false;
    return sameSignature(this.signature(timestamp, nonce, encrypted), msgSignature);
  }

  /** The base64 ciphertext of `message` (random 16 bytes unless given: the test vectors fix them). */
  encrypt(message: string, random: Buffer = randomBytes(16)): string {
    const body = Buffer.from(message, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    const plain = Buffer.concat([random, length, body, Buffer.from(this.appId, 'utf8')]);
    const pad = BLOCK - (plain.length % BLOCK);
    const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
    const cipher = createCipheriv('aes-256-cbc', this.key, this.iv);
    cipher.setAutoPadding(false);
    return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
  }

  /** The message inside `encrypted`; throws on a bad padding, a bad length or another account's appid. */
  decrypt(encrypted: string): string {
    const decipher = createDecipheriv('aes-256-cbc', this.key, this.iv);
    decipher.setAutoPadding(false);
    const data = Buffer.from(encrypted, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new Error('bad ciphertext length');
    const padded = Buffer.concat([decipher.update(data), decipher.final()]);
    const pad = padded[padded.length - 1]!;
    if (pad < 1 || pad > BLOCK) throw new Error('bad padding');
    const plain = padded.subarray(0, padded.length - pad);
    if (plain.length < 20) throw new Error('too short');
    const length = plain.readUInt32BE(16);
    if (20 + length > plain.length) throw new Error('bad length');
    const appId = plain.subarray(20 + length).toString('utf8');
    if (appId !== this.appId) throw new Error('another appid');
    return plain.subarray(20, 20 + length).toString('utf8');
  }
}
