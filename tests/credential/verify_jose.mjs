// verify_jose.mjs — checks jineng's signed certificates (VC-JWT, EdDSA) with
// an independent implementation, the jose npm package, as any outside
// verifier would: only the public JWK Set, no jineng code.
//
//   node tests/credential/verify_jose.mjs JWKS_FILE JWT_FILE...
//
// Each JWT must verify (algorithms: EdDSA only) and carry the sample
// certificate's claims (those `test_credential --sign` writes); one byte
// changed in its header, payload or signature must not verify, nor the same
// claims sent unsigned (alg none) or re-labelled HS256.  Ends with
// "jose: N passed, M failed"; exit status 1 when anything failed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// jose lives in web/node_modules (a devDependency of the web interface):
// resolve it from there, whatever the working directory.
const here = dirname(fileURLToPath(import.meta.url));
const webDir = process.env.JINENG_WEB_DIR || join(here, '..', '..', 'web');
const josePath = createRequire(join(webDir, 'package.json')).resolve('jose');
const { createLocalJWKSet, jwtVerify, decodeProtectedHeader } = await import(pathToFileURL(josePath).href);

let passed = 0, failed = 0;
function check(ok, what) {
	if (ok) passed++;
	else { failed++; console.error(`FAIL: ${what}`); }
}

const b64 = (buf) => Buffer.from(buf).toString('base64url');
const unb64 = (s) => Buffer.from(s, 'base64url');

// The claims `test_credential --sign` puts in every sample certificate.
const SAMPLE = {
	name: '张三', idNumberMasked: '530402********1238', gender: '男', occupationCode: '6-31-01-03',
	occupationName: '电工', level: 3, levelName: '中级工', nationalLevel: '四级', issuedOn: '2026-11-21',
	route: 'normal',
};

async function verifies(jwt, jwks) {
	try {
		return await jwtVerify(jwt, jwks, { algorithms: ['EdDSA'] });
	} catch (e) {
		return e;
	}
}

function checkClaims(payload, header, file) {
	const vc = payload.vc || {}, cs = vc.credentialSubject || {};
	check(header.alg === 'EdDSA' && header.typ === 'JWT' && /^\d{4}-\d\d-\d\d-[0-9a-f]{16}$/.test(header.kid),
		`${file}: header ${JSON.stringify(header)}`);
	for (const [k, v] of Object.entries(SAMPLE))
		check(cs[k] === v, `${file}: credentialSubject.${k} = ${JSON.stringify(cs[k])}, want ${JSON.stringify(v)}`);
	check(cs.certificateNumber === payload.sub && payload.jti === `urn:jineng:cert:${payload.sub}`,
		`${file}: sub/jti/certificateNumber disagree`);
	check(cs.issuingBody && cs.issuingBody.name === '玉溪市职业技能鉴定中心' && cs.issuingBody.code === 'Y5304001',
		`${file}: issuingBody`);
	check(typeof payload.iss === 'string' && payload.iss.length > 0, `${file}: iss`);
	check(Number.isInteger(payload.nbf) && payload.nbf === payload.iat, `${file}: nbf/iat`);
	check(vc['@context']?.[0] === 'https://www.w3.org/2018/credentials/v1', `${file}: @context`);
	check(JSON.stringify(vc.type) === '["VerifiableCredential","SkillCertificateCredential"]', `${file}: type`);
	check(vc.credentialStatus?.type === 'JinengVerification' && vc.credentialStatus.id.endsWith(payload.sub),
		`${file}: credentialStatus`);
}

// Changes one byte of part i (0 header, 1 payload, 2 signature) after
// decoding, and encodes it again: a well-formed token with one byte off.
function flipByte(jwt, i) {
	const parts = jwt.split('.');
	const bytes = unb64(parts[i]);
	bytes[Math.floor(bytes.length / 2)] ^= 0x01;
	parts[i] = b64(bytes);
	return parts.join('.');
}

async function mustFail(jwt, jwks, what, codes) {
	const r = await verifies(jwt, jwks);
	check(r instanceof Error && codes.includes(r.code), `${what}: ${r instanceof Error ? r.code : 'verified'}`);
}

async function checkOne(file, jwks) {
	const jwt = readFileSync(file, 'utf8').trim();
	const r = await verifies(jwt, jwks);
	check(!(r instanceof Error), `${file}: jose says ${r instanceof Error ? `${r.code} ${r.message}` : 'ok'}`);
	if (r instanceof Error) return;
	checkClaims(r.payload, r.protectedHeader, file);
	check(decodeProtectedHeader(jwt).kid === r.protectedHeader.kid, `${file}: kid`);

	await mustFail(flipByte(jwt, 2), jwks, `${file}: signature byte changed`, ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED']);
	await mustFail(flipByte(jwt, 1), jwks, `${file}: payload byte changed`, ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED']);
	// A header byte: the JSON may break or the kid may change; neither verifies.
	await mustFail(flipByte(jwt, 0), jwks, `${file}: header byte changed`,
		['ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'ERR_JWS_INVALID', 'ERR_JWKS_NO_MATCHING_KEY']);

	const [, payload] = jwt.split('.');
	const kid = r.protectedHeader.kid;
	const none = `${b64(JSON.stringify({ alg: 'none', kid }))}.${payload}.`;
	await mustFail(none, jwks, `${file}: alg none`, ['ERR_JOSE_ALG_NOT_ALLOWED', 'ERR_JWS_INVALID']);
	const hs = `${b64(JSON.stringify({ alg: 'HS256', kid }))}.${payload}.${jwt.split('.')[2]}`;
	await mustFail(hs, jwks, `${file}: alg HS256`, ['ERR_JOSE_ALG_NOT_ALLOWED']);
}

const [jwksFile, ...jwtFiles] = process.argv.slice(2);
if (!jwksFile || jwtFiles.length === 0) {
	console.error('usage: node verify_jose.mjs JWKS_FILE JWT_FILE...');
	process.exit(2);
}
const jwks = createLocalJWKSet(JSON.parse(readFileSync(jwksFile, 'utf8')));
for (const f of jwtFiles) await checkOne(f, jwks);
console.log(`jose: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
