const { createClient } = require('redis');
const { TwoLevelCache } = require('./dist/libs/shared/cache/src/index.js');
(async () => {
  const client = createClient(); const subscriber = client.duplicate(); await client.connect(); await subscriber.connect();
  const value = { id: 'a1', title: 'A headline', summary: 'x'.repeat(600) };
  const l2 = new TwoLevelCache({ namespace: 'prof', l1TtlMs: 60000, l2TtlMs: 60000, negativeTtlMs: 5000, lockTtlMs: 5000, lockWaitMs: 1000, l1MaxEntries: 1 }, { client, subscriber });
  const loader = async () => value;
  for (let i = 0; i < 1000; i++) await l2.get('k' + i, loader);
  const sizes = []; const orig = client.mGet.bind(client); client.mGet = (k) => { sizes.push(k.length); return orig(k); };
  let gets = 0; const og = client.get.bind(client); client.get = (k) => { gets++; return og(k); };
  let next = 0; const OPS = 100000;
  await Promise.all(Array.from({ length: 50 }, async () => { while (next < OPS) await l2.get('k' + (next++ % 1000), loader); }));
  const h = {}; sizes.forEach(s => h[s] = (h[s] || 0) + 1); console.log('gets', gets, 'mgets', sizes.length, JSON.stringify(h).slice(0, 400));
  await client.quit(); await subscriber.quit();
})();
