import { describe, expect, it } from '@jest/globals';
import { HTTPModuleFunctions } from '@slack/bolt';
import { mayParseToNull } from '../../../src/slack/request-guards.js';

const FORM = 'application/x-www-form-urlencoded';
const request = (body: string, contentType = FORM) => ({ rawBody: Buffer.from(body), headers: { 'content-type': contentType } });

/** What Bolt makes of the body: null, something else, or a throw. */
function boltParse(body: string, contentType = FORM): 'null' | 'value' | 'throws' {
  try {
    return HTTPModuleFunctions.parseHTTPRequestBody(request(body, contentType) as never) === null ? 'null' : 'value';
  } catch {
    return 'throws';
  }
}

const command =
  'token=x&team_id=T0001&team_domain=acme&channel_id=C0001&channel_name=general&user_id=U0001&user_name=ann&command=%2Froutine&text=every+weekday+at+9am+payload%3Dnull&api_app_id=A0001&is_enterprise_install=false&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0001%2F1%2Fabc&trigger_id=1.2.abc';

describe('mayParseToNull (the request guard parses a body only when Bolt could make null of it)', () => {
  it('says no for a slash command, even one whose text mentions payload', () => {
    expect(mayParseToNull(request(command))).toBe(false);
    expect(boltParse(command)).toBe('value');
  });

  it('says yes for every body Bolt parses to null, however the payload field is spelled', () => {
    const nulls = [
      'payload=null',
      'a=1&payload=null',
      'p%61yload=null',
      'payload=%6Eull',
      'payl%6Fad=null&x=1',
      '&&payload=null&',
      'payload=null&payload=x', // repeated: querystring gives an array, which Bolt does not JSON-parse
    ];
    for (const body of nulls.filter((b) => boltParse(b) === 'null')) expect(mayParseToNull(request(body))).toBe(true);
    expect(nulls.filter((b) => boltParse(b) === 'null').length).toBeGreaterThanOrEqual(5);
  });

  it('agrees with Bolt on a sweep of generated form bodies: never no where Bolt gives null', () => {
    const keys = ['payload', 'p%61yload', 'PAYLOAD', 'pay+load', 'payload%20', 'text', 'command', '', 'p%ayload', '%70%61%79%6c%6f%61%64'];
    const values = ['null', '%6Eull', '{}', '', 'x', 'nul', '%E0%A4%A'];
    let nullsSeen = 0;
    for (const k1 of keys)
      for (const v1 of values)
        for (const k2 of ['', 'command']) {
          const body = k2 ? `${k2}=%2Froutine&${k1}=${v1}` : `${k1}=${v1}`;
          if (boltParse(body) !== 'null') continue;
          nullsSeen += 1;
          expect([body, mayParseToNull(request(body))]).toEqual([body, true]);
        }
    expect(nullsSeen).toBeGreaterThan(4);
  });

  it('leaves JSON bodies (and any other content type) to the full parse', () => {
    expect(mayParseToNull(request('null', 'application/json'))).toBe(true);
    expect(mayParseToNull(request('{"type":"event_callback"}', 'application/json'))).toBe(true);
    expect(mayParseToNull(request('payload=null', 'application/x-www-form-urlencoded; charset=utf-8'))).toBe(true);
  });
});
