/**
 * Golden cases in the shape of the ircdocs parser tests (github.com/ircdocs/parser-tests,
 * CC0): msg-split (line → atoms), msg-join (atoms → the lines that are acceptable),
 * userhost-split (source → nick/user/host), validate-hostname and mask-match.
 */

export interface Atoms {
  readonly tags?: Readonly<Record<string, string>>;
  readonly source?: string;
  readonly verb: string;
  readonly params?: readonly string[];
}

export const MSG_SPLIT: readonly { input: string; atoms: Atoms }[] = [
  { input: 'foo bar baz asdf', atoms: { verb: 'foo', params: ['bar', 'baz', 'asdf'] } },
  {
    input: ':coolguy foo bar baz asdf',
    atoms: { source: 'coolguy', verb: 'foo', params: ['bar', 'baz', 'asdf'] },
  },
  { input: 'foo bar baz :asdf quux', atoms: { verb: 'foo', params: ['bar', 'baz', 'asdf quux'] } },
  { input: 'foo bar baz :', atoms: { verb: 'foo', params: ['bar', 'baz', ''] } },
  { input: 'foo bar baz ::asdf', atoms: { verb: 'foo', params: ['bar', 'baz', ':asdf'] } },
  {
    input: ':coolguy foo bar baz :asdf quux',
    atoms: { source: 'coolguy', verb: 'foo', params: ['bar', 'baz', 'asdf quux'] },
  },
  {
    input: ':coolguy foo bar baz :  asdf quux ',
    atoms: { source: 'coolguy', verb: 'foo', params: ['bar', 'baz', '  asdf quux '] },
  },
  {
    input: ':coolguy PRIVMSG bar :lol :) ',
    atoms: { source: 'coolguy', verb: 'PRIVMSG', params: ['bar', 'lol :) '] },
  },
  {
    input: ':coolguy foo bar baz :',
    atoms: { source: 'coolguy', verb: 'foo', params: ['bar', 'baz', ''] },
  },
  {
    input: ':coolguy foo bar baz :  ',
    atoms: { source: 'coolguy', verb: 'foo', params: ['bar', 'baz', '  '] },
  },
  {
    input: '@a=b;c=32;k;rt=ql7 foo',
    atoms: { verb: 'foo', tags: { a: 'b', c: '32', k: '', rt: 'ql7' } },
  },
  {
    input: '@a=b\\\\and\\nk;c=72\\s45;d=gh\\:764 foo',
    atoms: { verb: 'foo', tags: { a: 'b\\and\nk', c: '72 45', d: 'gh;764' } },
  },
  {
    input: '@c;h=;a=b :quux ab cd',
    atoms: { tags: { c: '', h: '', a: 'b' }, source: 'quux', verb: 'ab', params: ['cd'] },
  },
  { input: ':src JOIN #chan', atoms: { source: 'src', verb: 'JOIN', params: ['#chan'] } },
  { input: ':src JOIN :#chan', atoms: { source: 'src', verb: 'JOIN', params: ['#chan'] } },
  { input: ':src AWAY', atoms: { source: 'src', verb: 'AWAY' } },
  { input: ':src AWAY ', atoms: { source: 'src', verb: 'AWAY' } },
  {
    input: ':cool\tguy foo bar baz',
    atoms: { source: 'cool\tguy', verb: 'foo', params: ['bar', 'baz'] },
  },
  {
    input: ':coolguy!ag@net\x035w\x03ork.admin PRIVMSG foo :bar baz',
    atoms: {
      source: 'coolguy!ag@net\x035w\x03ork.admin',
      verb: 'PRIVMSG',
      params: ['foo', 'bar baz'],
    },
  },
  {
    input: ':coolguy!~ag@n\x02et\x0305w\x0fork.admin PRIVMSG foo :bar baz',
    atoms: {
      source: 'coolguy!~ag@n\x02et\x0305w\x0fork.admin',
      verb: 'PRIVMSG',
      params: ['foo', 'bar baz'],
    },
  },
  {
    input:
      '@tag1=value1;tag2;vendor1/tag3=value2;vendor2/tag4= :irc.example.com COMMAND param1 param2 :param3 param3',
    atoms: {
      tags: { tag1: 'value1', tag2: '', 'vendor1/tag3': 'value2', 'vendor2/tag4': '' },
      source: 'irc.example.com',
      verb: 'COMMAND',
      params: ['param1', 'param2', 'param3 param3'],
    },
  },
  {
    input: ':irc.example.com COMMAND param1 param2 :param3 param3',
    atoms: {
      source: 'irc.example.com',
      verb: 'COMMAND',
      params: ['param1', 'param2', 'param3 param3'],
    },
  },
  {
    input:
      '@tag1=value1;tag2;vendor1/tag3=value2;vendor2/tag4 COMMAND param1 param2 :param3 param3',
    atoms: {
      tags: { tag1: 'value1', tag2: '', 'vendor1/tag3': 'value2', 'vendor2/tag4': '' },
      verb: 'COMMAND',
      params: ['param1', 'param2', 'param3 param3'],
    },
  },
  { input: 'COMMAND', atoms: { verb: 'COMMAND' } },
  {
    input: '@foo=\\\\\\\\\\:\\\\s\\s\\r\\n COMMAND',
    atoms: { tags: { foo: '\\\\;\\s \r\n' }, verb: 'COMMAND' },
  },
  {
    input: ':gravel.mozilla.org 432  #momo :Erroneous Nickname: Illegal characters',
    atoms: {
      source: 'gravel.mozilla.org',
      verb: '432',
      params: ['#momo', 'Erroneous Nickname: Illegal characters'],
    },
  },
  {
    input: ':gravel.mozilla.org MODE #tckk +n ',
    atoms: { source: 'gravel.mozilla.org', verb: 'MODE', params: ['#tckk', '+n'] },
  },
  {
    input: ':services.esper.net MODE #foo-bar +o foobar  ',
    atoms: { source: 'services.esper.net', verb: 'MODE', params: ['#foo-bar', '+o', 'foobar'] },
  },
  {
    input: '@tag1=value\\\\ntest COMMAND',
    atoms: { tags: { tag1: 'value\\ntest' }, verb: 'COMMAND' },
  },
  { input: '@tag1=value\\1 COMMAND', atoms: { tags: { tag1: 'value1' }, verb: 'COMMAND' } },
  { input: '@tag1=value1\\ COMMAND', atoms: { tags: { tag1: 'value1' }, verb: 'COMMAND' } },
  {
    input: '@tag1=1;tag2=3;tag3=4;tag1=5 COMMAND',
    atoms: { tags: { tag1: '5', tag2: '3', tag3: '4' }, verb: 'COMMAND' },
  },
  {
    input: '@tag1=1;tag2=3;tag3=4;tag1=5;vendor/tag2=8 COMMAND',
    atoms: { tags: { tag1: '5', tag2: '3', tag3: '4', 'vendor/tag2': '8' }, verb: 'COMMAND' },
  },
  {
    input: ':SomeOp MODE #channel :+i',
    atoms: { source: 'SomeOp', verb: 'MODE', params: ['#channel', '+i'] },
  },
  {
    input: ':SomeOp MODE #channel +oo SomeUser :AnotherUser',
    atoms: {
      source: 'SomeOp',
      verb: 'MODE',
      params: ['#channel', '+oo', 'SomeUser', 'AnotherUser'],
    },
  },
  // Our own: multiple spaces everywhere, and line endings that parseMessage tolerates.
  {
    input: '@a=b   :src   PRIVMSG   #c   :hi  there',
    atoms: { tags: { a: 'b' }, source: 'src', verb: 'PRIVMSG', params: ['#c', 'hi  there'] },
  },
  { input: 'PING :irc.example.com\r\n', atoms: { verb: 'PING', params: ['irc.example.com'] } },
  { input: 'PING x\n', atoms: { verb: 'PING', params: ['x'] } },
  {
    input: ':nick!u@h privmsg #c :é ünïcödé 🎉',
    atoms: { source: 'nick!u@h', verb: 'PRIVMSG', params: ['#c', 'é ünïcödé 🎉'] },
  },
];

export const MSG_JOIN: readonly { desc: string; atoms: Atoms; matches: readonly string[] }[] = [
  {
    desc: 'verb and params',
    atoms: { verb: 'foo', params: ['bar', 'baz', 'asdf'] },
    matches: ['foo bar baz asdf', 'foo bar baz :asdf'],
  },
  { desc: 'source, no params', atoms: { source: 'src', verb: 'AWAY' }, matches: [':src AWAY'] },
  {
    desc: 'source, empty trailing',
    atoms: { source: 'src', verb: 'AWAY', params: [''] },
    matches: [':src AWAY :'],
  },
  {
    desc: 'source',
    atoms: { source: 'coolguy', verb: 'foo', params: ['bar', 'baz', 'asdf'] },
    matches: [':coolguy foo bar baz asdf', ':coolguy foo bar baz :asdf'],
  },
  {
    desc: 'trailing param',
    atoms: { verb: 'foo', params: ['bar', 'baz', 'asdf quux'] },
    matches: ['foo bar baz :asdf quux'],
  },
  {
    desc: 'empty trailing',
    atoms: { verb: 'foo', params: ['bar', 'baz', ''] },
    matches: ['foo bar baz :'],
  },
  {
    desc: 'trailing with colon',
    atoms: { verb: 'foo', params: ['bar', 'baz', ':asdf'] },
    matches: ['foo bar baz ::asdf'],
  },
  {
    desc: 'source and trailing',
    atoms: { source: 'coolguy', verb: 'foo', params: ['bar', 'baz', 'asdf quux'] },
    matches: [':coolguy foo bar baz :asdf quux'],
  },
  {
    desc: 'trailing whitespace',
    atoms: { source: 'coolguy', verb: 'foo', params: ['bar', 'baz', '  asdf quux '] },
    matches: [':coolguy foo bar baz :  asdf quux '],
  },
  {
    desc: 'trailing looks like trailing',
    atoms: { source: 'coolguy', verb: 'PRIVMSG', params: ['bar', 'lol :) '] },
    matches: [':coolguy PRIVMSG bar :lol :) '],
  },
  {
    desc: 'trailing only spaces',
    atoms: { source: 'coolguy', verb: 'foo', params: ['bar', 'baz', '  '] },
    matches: [':coolguy foo bar baz :  '],
  },
  {
    desc: 'param with tab',
    atoms: { source: 'coolguy', verb: 'foo', params: ['b\tar', 'baz'] },
    matches: [':coolguy foo b\tar baz', ':coolguy foo b\tar :baz'],
  },
  {
    desc: 'tag with empty value',
    atoms: { tags: { asd: '' }, source: 'coolguy', verb: 'foo', params: ['bar', 'baz', '  '] },
    matches: ['@asd :coolguy foo bar baz :  ', '@asd= :coolguy foo bar baz :  '],
  },
  {
    desc: 'escaped tag values',
    atoms: { verb: 'foo', tags: { a: 'b\\and\nk', d: 'gh;764' } },
    matches: ['@a=b\\\\and\\nk;d=gh\\:764 foo', '@d=gh\\:764;a=b\\\\and\\nk foo'],
  },
  {
    desc: 'escaped tag values and params',
    atoms: { verb: 'foo', tags: { a: 'b\\and\nk', d: 'gh;764' }, params: ['par1', 'par2'] },
    matches: [
      '@a=b\\\\and\\nk;d=gh\\:764 foo par1 par2',
      '@a=b\\\\and\\nk;d=gh\\:764 foo par1 :par2',
      '@d=gh\\:764;a=b\\\\and\\nk foo par1 par2',
      '@d=gh\\:764;a=b\\\\and\\nk foo par1 :par2',
    ],
  },
  {
    desc: 'long strange tag',
    atoms: { tags: { foo: '\\\\;\\s \r\n' }, verb: 'COMMAND' },
    matches: ['@foo=\\\\\\\\\\:\\\\s\\s\\r\\n COMMAND'],
  },
];

export const USERHOST_SPLIT: readonly {
  source: string;
  nick: string;
  user?: string;
  host?: string;
}[] = [
  { source: 'coolguy!ag@127.0.0.1', nick: 'coolguy', user: 'ag', host: '127.0.0.1' },
  { source: 'coolguy!~ag@localhost', nick: 'coolguy', user: '~ag', host: 'localhost' },
  { source: 'coolguy@127.0.0.1', nick: 'coolguy', host: '127.0.0.1' },
  { source: 'coolguy!ag', nick: 'coolguy', user: 'ag' },
  {
    source: 'coolguy!ag@net\x035w\x03ork.admin',
    nick: 'coolguy',
    user: 'ag',
    host: 'net\x035w\x03ork.admin',
  },
  {
    source: 'coolguy!~ag@n\x02et\x0305w\x0fork.admin',
    nick: 'coolguy',
    user: '~ag',
    host: 'n\x02et\x0305w\x0fork.admin',
  },
  { source: 'irc.example.com', nick: 'irc.example.com' },
  // IPv6 hosts hold ':' and cloaks hold '/'; both stay in the host.
  { source: 'n!u@2001:db8::1', nick: 'n', user: 'u', host: '2001:db8::1' },
  {
    source: 'n!u@gateway/web/irccloud.com/x-abc',
    nick: 'n',
    user: 'u',
    host: 'gateway/web/irccloud.com/x-abc',
  },
];

export const VALIDATE_HOSTNAME: readonly { host: string; valid: boolean }[] = [
  { host: 'irc.example.com', valid: true },
  { host: 'i.coolguy.net', valid: true },
  { host: 'irc-srv.net.uk', valid: true },
  { host: 'iRC.CooLguY.NeT', valid: true },
  { host: 'gsf.ds342.co.uk', valid: true },
  { host: '324.net.uk', valid: true },
  { host: 'xn--bcher-kva.ch', valid: true },
  { host: '-lol-.net.uk', valid: false },
  { host: '-lol.net.uk', valid: false },
  { host: '_irc._sctp.lol.net.uk', valid: false },
  { host: 'irc', valid: false },
  { host: 'com', valid: false },
  { host: '', valid: false },
];

export const MASK_MATCH: readonly {
  mask: string;
  matches: readonly string[];
  fails: readonly string[];
}[] = [
  {
    mask: '*@127.0.0.1',
    matches: ['coolguy!ab@127.0.0.1', 'cooldud3!~bc@127.0.0.1'],
    fails: ['coolguy!ab@127.0.0.5', 'cooldud3!~d@124.0.0.1'],
  },
  {
    mask: 'cool*@*',
    matches: ['coolguy!ab@127.0.0.1', 'cooldud3!~bc@127.0.0.1', 'cool132!ab@example.com'],
    fails: ['koolguy!ab@127.0.0.5', 'cooodud3!~d@124.0.0.1'],
  },
  {
    mask: 'cool!*@*',
    matches: ['cool!guyab@127.0.0.1', 'cool!~dudebc@127.0.0.1', 'cool!312ab@example.com'],
    fails: [
      'coolguy!ab@127.0.0.1',
      'cooldud3!~bc@127.0.0.1',
      'koolguy!ab@127.0.0.5',
      'cooodud3!~d@124.0.0.1',
    ],
  },
  {
    mask: 'cool!?username@*',
    matches: ['cool!ausername@127.0.0.1', 'cool!~username@127.0.0.1'],
    fails: ['cool!username@127.0.0.1'],
  },
  {
    mask: 'cool!a?*@*',
    matches: ['cool!ab@127.0.0.1', 'cool!abc@127.0.0.1'],
    fails: ['cool!a@127.0.0.1'],
  },
  {
    mask: 'cool[guy]!*@*',
    matches: ['cool[guy]!guy@127.0.0.1', 'cool[guy]!a@example.com'],
    fails: ['coolg!ab@127.0.0.1', 'cool[!ac@127.0.1.1'],
  },
];
