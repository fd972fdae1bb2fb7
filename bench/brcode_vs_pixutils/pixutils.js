// The pix-utils side of bench/brcode_vs_pixutils/run.sh: encodes the cases of cases.json with
// createStaticPix/createDynamicPix + toBRCode, and decodes + validates payloads with parsePix
// (which checks the EMV structure, the CRC and the Pix fields), each in a loop for a fixed time.
//
//   node pixutils.js PREFIX CASES PAYLOADS_OUT SECONDS
//
// Writes the payloads it encoded to PAYLOADS_OUT (one per line: the C++ side decodes the same
// ones) and prints one JSON line: {"encode_per_s": ..., "decode_per_s": ...}.
'use strict';

const fs = require('fs');
const path = require('path');

const [prefix, casesPath, payloadsOut, secondsText] = process.argv.slice(2);
const pix = require(path.join(prefix, 'node_modules', 'pix-utils'));
const seconds = Number(secondsText || '3');

const cases = JSON.parse(fs.readFileSync(casesPath, 'utf8')).map((c) => {
  const params = { merchantName: c.merchantName, merchantCity: c.merchantCity };
  if (c.transactionAmount) params.transactionAmount = Number(c.transactionAmount);
  if (c.type === 'dynamic') return { dynamic: true, params: Object.assign(params, { url: c.url }) };
  params.pixKey = c.pixKey;
  if (c.infoAdicional) params.infoAdicional = c.infoAdicional;
  if (c.txid) params.txid = c.txid;
  return { dynamic: false, params };
});

function encode(entry) {
  const created = entry.dynamic ? pix.createDynamicPix(entry.params) : pix.createStaticPix(entry.params);
  if (pix.hasError(created)) throw new Error('pix-utils refused a case: ' + created.message);
  return created.toBRCode();
}

const payloads = cases.map(encode);
for (const payload of payloads) {
  if (pix.hasError(pix.parsePix(payload))) throw new Error('pix-utils cannot parse ' + payload);
}
fs.writeFileSync(payloadsOut, payloads.join('\n') + '\n');

// Runs `step(i)` in batches until `seconds` have passed; operations per second.
function rate(step) {
  const batch = 1000;
  let done = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) sink += step(done + i);
    done += batch;
    now = process.hrtime.bigint();
  }
  if (sink === -1) console.error('unreachable');
  return done / (Number(now - start) / 1e9);
}

// Warm up the JIT before measuring.
rate.call(null, (i) => encode(cases[i % cases.length]).length);
const encodePerS = rate((i) => encode(cases[i % cases.length]).length);
const decodePerS = rate((i) => {
  const parsed = pix.parsePix(payloads[i % payloads.length]);
  if (pix.hasError(parsed)) throw new Error('parse failed');
  return parsed.merchantName.length;
});
console.log(JSON.stringify({ encode_per_s: Math.round(encodePerS), decode_per_s: Math.round(decodePerS) }));
