// The node side of the interop matrix test: key generation, signing and verifying with
// jsonwebtoken. Usage:
//   node interop.js keys DIR                     write every key pair into DIR
//   node interop.js sign ALG KEY                 print a token signed with KEY (PEM or secret)
//   node interop.js verify ALG KEY TOKEN         exit 0 when the token verifies with KEY
//                                                (a PEM, a secret, or a .jwk file)
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const jwt = require('jsonwebtoken');

function keys(dir) {
  const pairs = {
    rsa: crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }),
    p256: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    p384: crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }),
    ed25519: crypto.generateKeyPairSync('ed25519'),
  };
  for (const [name, { publicKey, privateKey }] of Object.entries(pairs)) {
    fs.writeFileSync(path.join(dir, `${name}.key`), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(path.join(dir, `${name}.pub`), publicKey.export({ type: 'spki', format: 'pem' }));
    fs.writeFileSync(path.join(dir, `${name}.jwk`), JSON.stringify(publicKey.export({ format: 'jwk' })));
  }
  const secret = crypto.randomBytes(64);
  fs.writeFileSync(path.join(dir, 'hmac.secret'), secret);
  fs.writeFileSync(path.join(dir, 'hmac.jwk'), JSON.stringify({ kty: 'oct', k: secret.toString('base64url') }));
}

function key(alg, file) {
  if (file.endsWith('.jwk')) {
    const jwk = JSON.parse(fs.readFileSync(file, 'utf8'));
    return jwk.kty === 'oct'
      ? crypto.createSecretKey(Buffer.from(jwk.k, 'base64url'))
      : crypto.createPublicKey({ key: jwk, format: 'jwk' });
  }
  const bytes = fs.readFileSync(file);
  if (alg.startsWith('HS')) return bytes;
  return bytes.toString('utf8');
}

const [cmd, alg, file, token] = process.argv.slice(2);
try {
  if (cmd === 'keys') {
    keys(alg);
  } else if (cmd === 'sign') {
    process.stdout.write(jwt.sign({ sub: 'interop' }, key(alg, file), { algorithm: alg, expiresIn: '1h' }) + '\n');
  } else if (cmd === 'verify') {
    jwt.verify(token, key(alg, file), { algorithms: [alg] });
  } else {
    throw new Error(`unknown command ${cmd}`);
  }
} catch (e) {
  process.stderr.write(`node jsonwebtoken: ${e.message}\n`);
  process.exit(1);
}
