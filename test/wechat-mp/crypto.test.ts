/**
 * The safe-mode crypto against wechatpy's published vectors (wechatpy/wechatpy tests/test_crypto.py at
 * 5b8502e3bc4abfee3abae77983e01633ed47cebf): token 123456, EncodingAESKey kWxPEV2U…, receiver id
 * wx49f0ab532d5d035a. wechatpy's WeCom and Official Account crypto share one implementation
 * (wechatpy/crypto/base.py: the same signature, AES-256-CBC, PKCS#7 to 32, random + length + message + id),
 * so these vectors check ours, not only ours against itself.
 */
import { describe, expect, it } from 'vitest';
import { checkSignature, sha1Sorted, WechatCrypto } from '../../bots/wechat-mp/crypto.js';
import { parseXml } from '../../bots/wechat-mp/xml.js';

const token = '123456';
const encodingAesKey = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';
const appId = 'wx49f0ab532d5d035a';
const crypto = new WechatCrypto(token, encodingAesKey, appId);

describe('safe-mode crypto (wechatpy vectors)', () => {
  it('accepts the published msg_signature of an echostr and refuses it with another nonce', () => {
    const echo = '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==';
    expect(crypto.checkMsgSignature('dd6b9c95b495b3f7e2901bfbc76c664930ffdb96', '1411443780', '437374425', echo)).toBe(true);
    expect(crypto.checkMsgSignature('dd6b9c95b495b3f7e2901bfbc76c664930ffdb96', '1411443780', '437374424', echo)).toBe(false);
  });

  it('decrypts the published message (msg_signature checked) to Content "test" from "messense"', () => {
    const encrypted =
      'RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=';
    expect(crypto.checkMsgSignature('74d92dfeb87ba7c714f89d98870ae5eb62dff26d', '1411525903', '461056294', encrypted)).toBe(true);
    const fields = parseXml(crypto.decrypt(encrypted));
    expect(fields).toMatchObject({ Content: 'test', FromUserName: 'messense' });
    // Another account's appid at the end of the plaintext is refused.
    expect(() => new WechatCrypto(token, encodingAesKey, 'wx0000000000000000').decrypt(encrypted)).toThrow(/appid/);
  });

  it('encrypts the published reply, with the published random bytes, to the published Encrypt and MsgSignature', () => {
    const reply = `<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>`;
    const encrypted = crypto.encrypt(reply, Buffer.from('1234567890123456'));
    expect(encrypted).toBe(
      '9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3',
    );
    expect(crypto.signature('1411525903', '461056294', encrypted)).toBe('407518b7649e86ef23978113f92d27afa9296533');
    expect(crypto.decrypt(encrypted)).toBe(reply);
  });

  it('checks the plaintext-mode signature over token, timestamp and nonce only', () => {
    const sig = sha1Sorted(['tok', '1700000000', 'n1']);
    expect(checkSignature('tok', { signature: sig, timestamp: '1700000000', nonce: 'n1' })).toBe(true);
    expect(checkSignature('tok', { signature: sig, timestamp: '1700000001', nonce: 'n1' })).toBe(false);
    expect(checkSignature('tok', { timestamp: '1700000000', nonce: 'n1' })).toBe(false);
  });
});
