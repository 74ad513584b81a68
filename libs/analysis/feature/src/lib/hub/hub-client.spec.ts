import { ErrorCode } from '@autoglm/shared-errors';
import { HubClient, isPrivateAddress } from './hub-client';

describe(HubClient.name, () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', 'not-an-ip'])(
    'treats %s as private',
    (address) => expect(isPrivateAddress(address)).toBe(true),
  );

  it.each(['8.8.8.8', '18.160.0.1', '2600:9000:2000::1'])('treats %s as public', (address) => expect(isPrivateAddress(address)).toBe(false));

  it('builds the hub URL layout and refuses URLs outside the endpoint', async () => {
    const sut = new HubClient({ endpoint: 'https://hf-mirror.example/' });
    expect(sut.fileUrl('BAAI/bge-small-en-v1.5', 'main', '1_Pooling/config.json')).toBe(
      'https://hf-mirror.example/BAAI/bge-small-en-v1.5/resolve/main/1_Pooling/config.json',
    );
    await expect(sut.get('https://elsewhere.example/x')).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    expect(() => new HubClient({ endpoint: 'file:///etc' })).toThrow('the hub endpoint must be an http(s) URL');
  });
});
