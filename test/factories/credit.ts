import { Response } from 'supertest';
import { bearer, TestApp } from '../setup/test-app';

export interface SignedCommitment {
  /** The text signed: version and hash. */
  text: { version: string; sha256: string };
  response: Response;
}

/**
 * Reads the commitment text in force and signs it as the supplier behind `token`. The text is
 * global state: a suite running beside this one may publish a newer version between the read and
 * the signature, which the service then refuses (404 naming the version in force); the read and
 * the signature are repeated then, a bounded number of times.
 */
export async function signCurrentCommitment(t: TestApp, token: string): Promise<SignedCommitment> {
  for (let attempt = 1; ; attempt++) {
    const current = await t
      .http()
      .get('/api/v1/credit/commitment-texts/current')
      .set(bearer(token))
      .expect(200);
    const text = current.body as { version: string; sha256: string };
    const response = await t
      .http()
      .post('/api/v1/credit/commitments')
      .set(bearer(token))
      .send({ version: text.version });
    const superseded =
      response.status === 404 &&
      (response.body as { code?: string }).code === 'CREDIT.COMMITMENT_TEXT_NOT_FOUND';
    if (!superseded || attempt === 3) {
      if (response.status !== 201)
        throw new Error(`signing ${text.version} answered ${response.status}: ${response.text}`);
      return { text, response };
    }
  }
}
