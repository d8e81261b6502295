import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { extractEmailCommand, firstLine, mailFieldsFromParsed, stripSubjectPrefixes, visibleText } from '../../../src/providers/email/command.ts';
import { htmlToText } from '../../../src/providers/email/html-text.ts';
import { payloadsDir } from '../../corpus.ts';

const CORPUS = payloadsDir;
const read = (f: string) => readFileSync(join(CORPUS, f));

describe('extractEmailCommand (corpus emails through mailparser)', () => {
  // file, sender, command, subject: every charset decoded, quotes and signatures gone
  it.each([
    ['email-talon-android.eml', 'bob@example.com', 'Hello', 'Re: Test'],
    ['email-talon-aol.eml', 'xxx@aol.com', 'Hello', 'Re: Test'],
    ['email-talon-apple_mail.eml', 'xxx@gmail.com', 'Hello', 'Re: Test'],
    ['email-talon-apple_mail_2.eml', 'adam@tictail.com', 'Hello', 'Re: Hello there'],
    ['email-talon-comcast.eml', 'xxx@comcast.net', 'Hello', 'Re: Test'],
    ['email-talon-gmail.eml', 'xxx@gmail.com', 'Hello', 'Re: Test'],
    ['email-talon-hotmail.eml', 'xxx@hotmail.com', 'Hello', 'RE: Test'],
    ['email-talon-iphone.eml', 'xxx@gmail.com', 'Hello', 'Re: Test'],
    ['email-talon-outlook.eml', 'me@example.com', 'Hello', 'Test'],
    ['email-talon-sparrow.eml', 'xxx@gmail.com', 'Hello', 'Re: Test'],
    ['email-talon-thunderbird.eml', 'bob@xxx.mailgun.org', 'Hello', 'Re: Test'],
    ['email-talon-yahoo.eml', 'xxx@yahoo.com', 'Hello', 'Re: Test'],
    ['email-mail-euc-kr.eml', 'jamis@37signals.com', '대부분의 마찬가지로, 우리는 하나님을 믿습니다.', 'NOTE: 한국말로 하는 것'],
    ['email-mail-japanese-iso-2022-jp.eml', 'raasdnil@gmail.com', 'すみません。', 'まみむめも'],
    ['email-mail-japanese-shift-jis.eml', 'xxxxxxx@docomo.ne.jp', 'あいうえお', 'test'],
    ['email-mail-korean-ks_c_5601-1987.eml', 'from@example.com', '스티해', 'test'],
    ['email-mail-utf8-headers-rfc6532.eml', 'jdöe@mächine.example', 'body', 'Säying Hello'],
    [
      'email-mail-attachment-pdf.eml',
      'xxxx@xxxx.com',
      'Just attaching another PDF, here, to see what the message looks like,',
      'Another PDF with 🎉 Unicode chars in it 🍿',
    ],
    ['email-mail-reply-format-flowed.eml', 'xxxxxxxx@xxx.org', 'Message body', 'Re: Test reply email'],
    ['email-mail-multipart-signed-nested.eml', 'jamis@37signals.com', 'Here is a test of an attachment via email.', 'Testing attachments'],
    [
      'email-mail-encoding-madness.eml',
      'no-reply@crm.el-example.org',
      'Body Text',
      'eBay Bid - 2008 Ford Super Duty F-350 DRW King Ranch Crew Cab 4x4 (156) - Stock# XXXX',
    ],
    ['email-mail-x-unknown-charset.eml', 'xxx@xxxx.xxx', 'Test test. Hi. Waving. m', ''],
    ['email-mail-html-only-iso-8859-1-8bit.eml', 'announcements@provantage.com', '[http://www.provantage.com/groupwork.jpg]', 'The Original Advantage #e13011'],
    // body unreadable (broken charset): the subject is the command
    [
      'email-mail-html-only-bad-date-charest.eml',
      'infoz@reactive-outpost.com',
      'You may_be Eligible for Legitimate_Cash from_GovAgencies!',
      'You may_be Eligible for Legitimate_Cash from_GovAgencies!',
    ],
    // HTML-only, no text part: converted, entities decoded
    [
      'email-mailparser-spam.eml',
      'noreply@guide-des-vins-de-bourgogne.fr',
      'Im Jahre 2007 wurde er als „asozialer Penner“ beschimpft! Er bettelte auf der Straße und lebte unter der Brücke.',
      '123.042 Euro pro Jahr GRARANTIERT von einer Bank! KOSTENLOS',
    ],
    ['email-mailparser-nested.eml', 'u@example.com', 'Dear Sir,', ''],
    ['email-mailparser-base64-encoded-root.eml', 'test@example.com', '', ''],
  ])('reads %s', async (file, sender, text, subject) => {
    const cmd = extractEmailCommand(mailFieldsFromParsed(await simpleParser(read(file))));
    expect(cmd).toMatchObject({ sender, text, subject });
  });

  it('gives no sender when the mail has no From', async () => {
    const cmd = extractEmailCommand(mailFieldsFromParsed(await simpleParser(read('email-mailparser-mixed.eml'))));
    expect(cmd.sender).toBe('');
  });

  it('keeps the Message-ID and the thread (References, oldest first)', async () => {
    const cmd = extractEmailCommand(mailFieldsFromParsed(await simpleParser(read('email-mail-reply-format-flowed.eml'))));
    expect(cmd.messageId).toBe('<473FFE27.20003@xxx.org>');
    expect(cmd.references).toEqual(['<473FF3B8.9020707@xxx.org>', '<348F04F142D69C21-291E56D292BC@xxxx.net>']);
  });

  it('falls back to In-Reply-To when there are no References', () => {
    const cmd = extractEmailCommand({ from: 'a@b.c', text: 'status', inReplyTo: 'parent@x' });
    expect(cmd.references).toEqual(['<parent@x>']);
  });
});

describe('visibleText (email-reply-parser corpus)', () => {
  it.each([
    ['email-replyparser-correct_sig.txt', 'this is an email with a correct -- signature.'],
    ['email-replyparser-email_1_1.txt', 'Hi folks'],
    ['email-replyparser-email_1_2.txt', 'Hi,'],
    ['email-replyparser-email_1_3.txt', 'Oh thanks.'],
    ['email-replyparser-email_2_1.txt', 'Outlook with a reply'],
    ['email-replyparser-email_BlackBerry.txt', 'Here is another email'],
    ['email-replyparser-email_iPhone.txt', 'Here is another email'],
    ['email-replyparser-email_multi_word_sent_from_my_mobile_device.txt', 'Here is another email'],
    ['email-replyparser-email_sig_delimiter_in_middle_of_line.txt', 'Hi there!'],
    ['email-replyparser-greedy_on.txt', 'On your remote host you can run:'],
    ['email-replyparser-pathological.txt', "I think you're onto something. I will try to fix the problem as soon as I"],
  ])('reads %s', (file, first) => {
    expect(firstLine(visibleText(read(file).toString('utf8')))).toBe(first);
  });

  it.each([
    ['status\n\nOn Tue, Bob wrote:\n> hi', 'status'],
    ['On Tue, 2 Apr 2024 at 10:00, Bob <b@x>\nwrote:\n> hi\nrestart web', 'restart web'],
    ['> quoted\nrestart web', 'restart web'],
    ['restart web\n-- \nAlice', 'restart web'],
    ['\n\nrestart web\nSent from my iPhone', 'restart web'],
    ['-----Original Message-----\nFrom: x\nrestart web', ''],
    ['From: Bob <b@x>\nSent: Monday\nTo: ops\n\nold', ''],
    ['deploy api to prod\r\n\r\nthanks', 'deploy api to prod'],
  ])('%j → %j', (body, first) => {
    expect(firstLine(visibleText(body))).toBe(first);
  });
});

describe('stripSubjectPrefixes', () => {
  it.each([
    ['Re: restart web', 'restart web'],
    ['RE: Fwd: re: status', 'status'],
    ['AW: WG: deploy api', 'deploy api'],
    ['Re[2]: status', 'status'],
    ['restart web', 'restart web'],
  ])('%j → %j', (s, out) => expect(stripSubjectPrefixes(s)).toBe(out));

  it('takes the subject as the command when the body says nothing', () => {
    expect(extractEmailCommand({ from: 'a@b.c', subject: 'Re: restart web', text: '\n> old\n' }).text).toBe('restart web');
  });
});

describe('htmlToText', () => {
  it('drops quoted blocks and decodes entities', () => {
    expect(htmlToText('<div>restart&nbsp;web &amp; more</div><blockquote>old</blockquote>')).toBe('restart web & more');
  });

  it('cuts at a Gmail quote', () => {
    expect(htmlToText('Hello<br><br><div class="gmail_quote">On Mon wrote:<blockquote>Hi</blockquote></div>')).toBe('Hello');
  });

  it('reads an HTML-only mail body as the command', () => {
    expect(extractEmailCommand({ from: 'a@b.c', html: '<html><head><style>p{}</style></head><body><p>status</p></body></html>' }).text).toBe('status');
  });
});
