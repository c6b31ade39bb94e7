import { describe, expect, it } from 'vitest';
import { MessageSchema } from './entities.js';
import { mentionsOf, mentionToken } from './mentions.js';
import { message } from './test-fixtures.js';

describe('mentionsOf', () => {
  it('[mentions] lists the ids of <@id> tokens, lower-cased, each once, in order', () => {
    expect(mentionsOf('hi <@B0B> and <@alice>, again <@bob> <@all>')).toEqual(['b0b', 'alice', 'bob', 'all']);
  });
  it('[mentions] ignores what is not a whole token', () => {
    expect(mentionsOf('@bob <bob> <@ bob> <@> <@bo b> <@a.b> <@@x>')).toEqual([]);
    expect(mentionsOf(`<@${'a'.repeat(65)}>`)).toEqual([]);
    expect(mentionsOf('<@<@x>>')).toEqual(['x']);
  });
  it('[mentions] mentionToken round-trips', () => {
    expect(mentionsOf(`${mentionToken('3f2b')} ${mentionToken('all')}`)).toEqual(['3f2b', 'all']);
  });
  it('[mentions] Message.mentions is required, ids lower-cased', () => {
    expect(MessageSchema.parse({ ...message, mentions: ['ABC'] }).mentions).toEqual(['abc']);
    const { mentions: _m, ...old } = message;
    expect(MessageSchema.safeParse(old).success).toBe(false);
  });
});
