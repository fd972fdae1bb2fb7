// Bridge between interop_tests (C++) and the npm package pix-utils, one JSON object per line.
//
//   node pix_utils_bridge.js PREFIX < requests.jsonl > responses.jsonl
//
// PREFIX is where `npm install --prefix PREFIX pix-utils` put the package. Each request line is
//   {"id": 1, "op": "parse", "payload": "000201..."}
//   {"id": 2, "op": "create_static", "params": {...}}    (createStaticPix parameters)
//   {"id": 3, "op": "create_dynamic", "params": {...}}   (createDynamicPix parameters)
// and gets one response line with the same id: for "parse" the fields pix-utils read (amount as
// whole centavos, so no floating point reaches the comparison), for "create_*" the payload; in
// both cases "error" is null or pix-utils' message.
'use strict';

const path = require('path');
const readline = require('readline');

const prefix = process.argv[2];
if (!prefix) {
  process.stderr.write('usage: node pix_utils_bridge.js PREFIX < requests > responses\n');
  process.exit(2);
}
const pix = require(path.join(prefix, 'node_modules', 'pix-utils'));

function parse(payload) {
  const parsed = pix.parsePix(payload);
  if (pix.hasError(parsed)) return { error: parsed.message || 'error' };
  const amount = typeof parsed.transactionAmount === 'number' ? parsed.transactionAmount : 0;
  return {
    error: null,
    type: parsed.type,
    pixKey: parsed.pixKey || '',
    infoAdicional: parsed.infoAdicional || '',
    txid: parsed.txid || '',
    fss: parsed.fss || '',
    url: parsed.url || '',
    urlRec: parsed.urlRec || '',
    merchantName: parsed.merchantName,
    merchantCity: parsed.merchantCity,
    merchantCategoryCode: parsed.merchantCategoryCode,
    transactionCurrency: parsed.transactionCurrency,
    countryCode: parsed.countryCode,
    amountCentavos: amount > 0 ? Math.round(amount * 100) : null,
  };
}

function create(op, params) {
  const created = op === 'create_static' ? pix.createStaticPix(params) : pix.createDynamicPix(params);
  if (pix.hasError(created)) return { error: created.message || 'error' };
  return { error: null, payload: created.toBRCode() };
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  const request = JSON.parse(line);
  let response;
  try {
    if (request.op === 'parse') {
      response = parse(request.payload);
    } else if (request.op === 'create_static' || request.op === 'create_dynamic') {
      response = create(request.op, request.params);
    } else {
      response = { error: 'unknown op ' + request.op };
    }
  } catch (thrown) {
    response = { error: 'threw: ' + (thrown && thrown.message ? thrown.message : String(thrown)) };
  }
  response.id = request.id;
  process.stdout.write(JSON.stringify(response) + '\n');
});
