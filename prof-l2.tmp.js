const { createClient } = require('redis');
const { TwoLevelCache } = require('./dist/libs/shared/cache/src/index.js');
(async () => {
  const client = createClient(); const subscriber = client.duplicate(); await client.connect(); await subscriber.connect();
  const value = { id: 'a1', title: 'A headline of typical length for an article', summary: 'x'.repeat(600) };
  const l2 = new TwoLevelCache({ namespace: 'prof', l1TtlMs: 60000, l2TtlMs: 60000, negativeTtlMs: 5000, lockTtlMs: 5000, lockWaitMs: 1000, l1MaxEntries: 1 }, { client, subscriber });
  const loader = async () => value;
  for (let i = 0; i < 1000; i++) await l2.get('k' + i, loader);
  let next = 0; const OPS = 300000; const s = Date.now();
  await Promise.all(Array.from({ length: 50 }, async () => { while (next < OPS) await l2.get('k' + (next++ % 1000), loader); }));
  console.log(OPS / ((Date.now() - s) / 1000));
  await client.quit(); await subscriber.quit();
})();
