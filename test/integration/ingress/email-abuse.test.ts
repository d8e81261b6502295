/**
 * Inputs that must not hurt the process (issue 12, "Bounded inputs"): 300 MB of SMTP DATA against
 * a 1 MiB `max_size` is answered 552 without being kept (RSS grows by less than 50 MB), and a
 * 240 KB HTML-only mail is converted without blocking the event loop (`/healthz` keeps answering
 * within 100 ms). The switchboard runs in this process, so its memory and event loop are ours.
 */
import { connect, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE, DKIM_PRIVATE_KEY, DKIM_SELECTOR, eventually, newMessageId, OPS_ADDRESS, replyTo, sendMail, startEmailWorld, type EmailWorld } from './email-helpers.ts';

let w: EmailWorld;
beforeAll(async () => {
  w = await startEmailWorld({ maxSize: 1_048_576 });
});
afterAll(async () => {
  await w?.stop();
});

/** A bare SMTP client over a socket: each `command` resolves with the next complete reply. */
function smtpClient(port: number): Promise<{ socket: Socket; reply(): Promise<string>; command(line: string): Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = '';
    const waiting: ((r: string) => void)[] = [];
    const drainReplies = () => {
      // a reply ends with a line `NNN text` (a space after the code)
      for (let m = /^(\d{3}) .*\r\n/m.exec(buffer); m && waiting.length > 0; m = /^(\d{3}) .*\r\n/m.exec(buffer)) {
        const end = m.index + m[0].length;
        const r = buffer.slice(0, end);
        buffer = buffer.slice(end);
        waiting.shift()!(r.trim());
      }
    };
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      buffer += d;
      drainReplies();
    });
    socket.once('error', reject);
    const reply = () =>
      new Promise<string>((r) => {
        waiting.push(r);
        drainReplies();
      });
    const command = (line: string) => {
      socket.write(`${line}\r\n`);
      return reply();
    };
    socket.once('connect', () => resolve({ socket, reply, command }));
  });
}

/** Writes `total` bytes of DATA lines, waiting for the socket to drain (the client keeps nothing). */
async function streamData(socket: Socket, total: number): Promise<void> {
  const line = `${'x'.repeat(998)}\r\n`;
  const chunk = Buffer.from(line.repeat(64)); // 64 000 bytes
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
  }
}

/** Opens a transaction from alice and sends `head`, then `bytes` of DATA lines; resolves with the final reply. */
async function sendData(port: number, head: string, bytes: number): Promise<string> {
  const c = await smtpClient(port);
  try {
    expect(await c.reply()).toMatch(/^220/);
    expect(await c.command('EHLO client.test')).toMatch(/^250/);
    expect(await c.command(`MAIL FROM:<${ALICE}>`)).toMatch(/^250/);
    expect(await c.command(`RCPT TO:<${OPS_ADDRESS}>`)).toMatch(/^250/);
    expect(await c.command('DATA')).toMatch(/^354/);
    c.socket.write(head.replace(/\r?\n\./g, '\r\n..'));
    await streamData(c.socket, bytes);
    return await c.command('\r\n.');
  } finally {
    c.socket.end();
  }
}

describe('bounded SMTP input', () => {
  it('answers 300 MB of DATA with 552 and keeps none of it (RSS grows < 50 MB)', async () => {
    const head = () => `From: ${ALICE}\r\nTo: ${OPS_ADDRESS}\r\nSubject: big\r\nMessage-ID: ${newMessageId()}\r\n\r\nping\r\n`;
    // warm up: the mail path and an oversize DATA have run once before measuring
    await sendMail(w.port, { from: ALICE, text: 'ping', messageId: newMessageId() });
    expect(await sendData(w.port, head(), 4 * 1024 * 1024)).toMatch(/^552 /);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = Date.now();
    try {
      expect(await sendData(w.port, head(), 300 * 1024 * 1024)).toMatch(/^552 /);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const grewMb = (peak - before) / 1024 / 1024;
    console.info(`300 MB of DATA: RSS +${grewMb.toFixed(1)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(grewMb).toBeLessThan(50);
  }, 120_000);
});

describe('bounded HTML', () => {
  it('converts a 240 KB HTML-only mail while /healthz keeps answering within 100 ms', async () => {
    // warm up: a small HTML mail has been converted once (modules loaded, code compiled)
    const warm = newMessageId();
    await sendMail(w.port, { from: ALICE, html: '<div><p>ping</p></div>', messageId: warm });
    await eventually(() => replyTo(w.smtp, warm, 'pong'), 'pong');
    const id = newMessageId();
    // built and signed before the clock starts: only the gateway's work runs while /healthz is polled
    const build = nodemailer.createTransport({ streamTransport: true, buffer: true, dkim: { domainName: 'example.test', keySelector: DKIM_SELECTOR, privateKey: DKIM_PRIVATE_KEY } });
    const raw = ((await build.sendMail({ from: ALICE, to: OPS_ADDRESS, subject: 'html', html: `<p>ping</p>${'<div '.repeat(48_000)}`, messageId: id })).message as Buffer).toString('latin1');
    expect(raw.length).toBeGreaterThan(240_000);
    let worst = 0;
    let polls = 0;
    let done = false;
    const poller = (async () => {
      while (!done) {
        const t0 = performance.now();
        const res = await w.t.request('/healthz');
        await res.arrayBuffer();
        worst = Math.max(worst, performance.now() - t0);
        polls += 1;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      expect(await sendData(w.port, raw, 0)).toMatch(/Accepted: queued/);
      await eventually(() => replyTo(w.smtp, id, 'pong'), 'pong');
    } finally {
      done = true;
      await poller;
    }
    console.info(`240 KB HTML-only mail: ${polls} /healthz polls, slowest ${worst.toFixed(1)} ms`);
    expect(polls).toBeGreaterThan(0);
    expect(worst).toBeLessThan(100);
  }, 60_000);
});
