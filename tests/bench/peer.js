// node jsonwebtoken's side of the benchmark: verify every token on stdin, one result line per
// token.
//
//     node tests/bench/peer.js ALG KEYFILE AT < tokens.txt
//     node tests/bench/peer.js --version
//
// ALG is HS256 (KEYFILE holds the secret, byte for byte), RS256 or ES256 (KEYFILE holds the
// public key as PEM); AT is the instant to judge times at, in Unix seconds, as jwtctl's --at.
// jsonwebtoken is found the way node finds any module, plus NODE_PATH: after
// `npm install --prefix DIR jsonwebtoken`, run with NODE_PATH=DIR/node_modules.
// Exits 0 when every token verified, 1 otherwise, 3 when jsonwebtoken cannot be loaded.
'use strict';

const fs = require('fs');
const crypto = require('crypto');

let jwt;
try {
  jwt = require('jsonwebtoken');
} catch (e) {
  process.stderr.write(`cannot load jsonwebtoken: ${e.message}\n`);
  process.exit(3);
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--version') {
    const version = require('jsonwebtoken/package.json').version;
    process.stdout.write(`jsonwebtoken ${version}\nnode ${process.version}\n`);
    return 0;
  }
  const [alg, keyPath, at] = args;
  const raw = fs.readFileSync(keyPath);
  // Prepared once, as jwtctl prepares a key once per batch, not once per token.
  const key = alg === 'HS256' ? crypto.createSecretKey(raw) : crypto.createPublicKey(raw);
  const options = { algorithms: [alg], clockTimestamp: Number(at) };
  let bad = 0;
  const verify = (token) => {
    if (token === '') return '';
    try {
      jwt.verify(token, key, options);
      return 'ok\n';
    } catch (e) {
      bad += 1;
      return `invalid: ${e.message}\n`;
    }
  };
  const buf = Buffer.alloc(1 << 20);
  let rest = '';
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    const lines = (rest + buf.toString('latin1', 0, n)).split('\n');
    rest = lines.pop();
    process.stdout.write(lines.map((line) => verify(line.trim())).join(''));
  }
  process.stdout.write(verify(rest.trim()));
  return bad ? 1 : 0;
}

process.exitCode = main();
