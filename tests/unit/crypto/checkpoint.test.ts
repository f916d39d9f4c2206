import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkpointSignerFromSeed,
  CheckpointError,
  chainLink,
  formatVerifierKey,
  generateCheckpointSigner,
  GENESIS_LINK,
  initCrypto,
  parseVerifierKey,
  signCheckpoint,
  verifyChain,
  verifyCheckpoint,
  type Checkpoint,
  type CheckpointFailure,
} from '../../../crypto/index.ts';

await initCrypto();

const ORIGIN = 'casework.invalid/audit-log';
// Ed25519 is deterministic: a fixed seed and body give a fixed signature line and verifier key.
const NOTE_SIGNATURE_KAT =
  'rWy91FgxQfue4AjtxQhkPNoKWwUY5D8P+vBcOqFNHZWw+40q29ibDr+DSIYB2QqZpsXOz+PSPr3XNAvCRVH4JDyiTAA=';
const VERIFIER_KEY_KAT = 'casework-audit+ad6cbdd4+AepKbGPinFIKvvVQexMuxfmVR3auvr57kkIe6mkURtIs';
const signer = generateCheckpointSigner('casework-audit');
const checkpoint: Checkpoint = {
  origin: ORIGIN,
  size: 10_000,
  head: Uint8Array.from({ length: 32 }, (_, i) => i * 3),
};

function rejection(run: () => unknown): CheckpointFailure {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as CheckpointError).reason;
  }
  throw new Error('expected the checkpoint to be rejected');
}

describe('signed checkpoints', () => {
  it('round-trip through the note text with only the public key', () => {
    const note = signCheckpoint(signer, checkpoint);
    const verifier = parseVerifierKey(formatVerifierKey(signer));
    expect(verifier.publicKey).toEqual(signer.publicKey);
    const parsed = verifyCheckpoint(note, verifier, { origin: ORIGIN });
    expect(parsed.origin).toBe(ORIGIN);
    expect(parsed.size).toBe(10_000);
    expect([...parsed.head]).toEqual([...checkpoint.head]);
  });

  it('pins the note format for a fixed seed', () => {
    const fixed = checkpointSignerFromSeed('casework-audit', new Uint8Array(32).fill(7));
    const note = signCheckpoint(fixed, checkpoint);
    expect(note).toBe(
      [
        ORIGIN,
        '10000',
        Buffer.from(checkpoint.head).toString('base64'),
        '',
        `— casework-audit ${NOTE_SIGNATURE_KAT}`,
        '',
      ].join('\n'),
    );
    expect(formatVerifierKey(fixed)).toBe(VERIFIER_KEY_KAT);
  });

  it('carries a plain Ed25519 signature over the body that node:crypto also accepts', () => {
    const note = signCheckpoint(signer, checkpoint);
    const body = note.slice(0, note.indexOf('\n\n') + 1);
    const tag = Buffer.from(note.trimEnd().split(' ').at(-1)!, 'base64');
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(signer.publicKey).toString('base64url') },
      format: 'jwk',
    });
    expect(verify(null, Buffer.from(body), publicKey, tag.subarray(4))).toBe(true);
  });

  it('fails for a checkpoint signed by another key', () => {
    const impostor = generateCheckpointSigner('casework-audit');
    const note = signCheckpoint(impostor, checkpoint);
    expect(rejection(() => verifyCheckpoint(note, signer))).toBe('unknown_key');
    // Even when the impostor copies the real key's id into its signature line.
    const realNote = signCheckpoint(signer, checkpoint);
    const realTag = Buffer.from(realNote.trimEnd().split(' ').at(-1)!, 'base64');
    const forgedTag = Buffer.from(note.trimEnd().split(' ').at(-1)!, 'base64');
    realTag.copy(forgedTag, 0, 0, 4);
    const forged = note.replace(/ \S+\n$/, ` ${forgedTag.toString('base64')}\n`);
    expect(rejection(() => verifyCheckpoint(forged, signer))).toBe('bad_signature');
  });

  it('fails when any single character of the note is changed', () => {
    const note = signCheckpoint(signer, checkpoint);
    for (let i = 0; i < note.length; i++) {
      for (const replacement of ['A', '0', '+', ' ', '\n']) {
        if (note[i] === replacement) continue;
        const tampered = note.slice(0, i) + replacement + note.slice(i + 1);
        expect(() => verifyCheckpoint(tampered, signer), `position ${i} → ${replacement}`).toThrow(
          CheckpointError,
        );
      }
    }
  });

  it('fails for a changed size, head or origin even when well-formed', () => {
    const note = signCheckpoint(signer, checkpoint);
    const otherHead = Buffer.from(checkpoint.head.map((byte) => byte ^ 1)).toString('base64');
    const edits = [
      note.replace('\n10000\n', '\n9999\n'),
      note.replace('\n10000\n', '\n10001\n'),
      note.replace(Buffer.from(checkpoint.head).toString('base64'), otherHead),
      note.replace(ORIGIN, 'casework.invalid/other-log'),
    ];
    for (const edited of edits) {
      expect(edited).not.toBe(note);
      expect(rejection(() => verifyCheckpoint(edited, signer))).toBe('bad_signature');
    }
  });

  it('refuses a checkpoint of another log', () => {
    const note = signCheckpoint(signer, { ...checkpoint, origin: 'casework.invalid/other-log' });
    expect(rejection(() => verifyCheckpoint(note, signer, { origin: ORIGIN }))).toBe(
      'wrong_origin',
    );
  });

  it('ignores co-signatures by other keys but never needs them', () => {
    const witness = generateCheckpointSigner('witness.example');
    const note = signCheckpoint(signer, checkpoint);
    const witnessLine = signCheckpoint(witness, checkpoint).split('\n\n')[1]!;
    const cosigned = note + witnessLine;
    expect(verifyCheckpoint(cosigned, signer).size).toBe(10_000);
    expect(verifyCheckpoint(cosigned, witness).size).toBe(10_000);
  });

  it('rejects malformed notes and verifier keys', () => {
    const note = signCheckpoint(signer, checkpoint);
    const malformed = [
      '',
      note.trimEnd(),
      note.replace('\n\n', '\n'),
      note.replace('\n10000\n', '\n010000\n'),
      note.replace('\n10000\n', '\n-1\n'),
      note.replace('\n10000\n', '\n1e4\n'),
      note.replace('—', '-'),
      `${note.split('\n\n')[0]}\nextra line\n\n${note.split('\n\n')[1]}`,
    ];
    for (const text of malformed)
      expect(() => verifyCheckpoint(text, signer)).toThrow(CheckpointError);
    const key = formatVerifierKey(signer);
    expect(() => parseVerifierKey(key.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(
      CheckpointError,
    );
    expect(() => parseVerifierKey('casework-audit+1234')).toThrow(CheckpointError);
  });

  it('lets a verifier with only the public key detect a rewritten chain', () => {
    const events = Array.from({ length: 50 }, (_, i) => ({
      id: `e${i}`,
      action: 'case.read',
      seq: i,
    }));
    let previous = GENESIS_LINK;
    const entries = events.map((event) => {
      previous = chainLink(previous, event);
      return { event, link: previous };
    });
    const note = signCheckpoint(signer, { origin: ORIGIN, size: 50, head: entries[49]!.link });
    const verifierKey = formatVerifierKey(signer);

    // The auditor's side: the verifier key string, the note, the rows.
    const trusted = verifyCheckpoint(note, parseVerifierKey(verifierKey), { origin: ORIGIN });
    expect(verifyChain(entries, { checkpoints: [trusted] }).ok).toBe(true);
    let relinked = GENESIS_LINK;
    const rewritten = events.map((original, i) => {
      const event = i === 10 ? { ...original, action: 'case.export' } : original;
      relinked = chainLink(relinked, event);
      return { event, link: relinked };
    });
    expect(verifyChain(rewritten).ok).toBe(true);
    expect(verifyChain(rewritten, { checkpoints: [trusted] })).toMatchObject({
      ok: false,
      reason: 'checkpoint_mismatch',
    });
  });
});
