/**
 * A tiny authoritative DNS server over UDP on 127.0.0.1:0 that answers TXT queries from a table
 * (DKIM keys, SPF and DMARC records) and NXDOMAIN for any other name; other types get an empty
 * answer. Reached through Node's resolver (`dns.Resolver#setServers`), as production DNS is.
 */
import { createSocket } from 'node:dgram';

export interface DnsFake {
  /** `127.0.0.1:PORT`, for `setServers` */
  server: string;
  /** name (lower case) -> TXT strings; change it at will */
  txt: Map<string, string[]>;
  queries: string[];
  close(): Promise<void>;
}

function readName(msg: Buffer, offset: number): [string, number] {
  const labels: string[] = [];
  let i = offset;
  while (msg[i]! !== 0) {
    const len = msg[i]!;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  return [labels.join('.'), i + 1];
}

/** TXT RDATA: each string in chunks of at most 255 bytes, each prefixed by its length. */
function txtRdata(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length || i === 0; i += 255) {
    const part = bytes.subarray(i, i + 255);
    chunks.push(Buffer.from([part.length]), part);
  }
  return Buffer.concat(chunks);
}

export async function startDnsFake(records: Record<string, string[]> = {}): Promise<DnsFake> {
  const txt = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), v]));
  const queries: string[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const [name, end] = readName(msg, 12);
    const qtype = msg.readUInt16BE(end);
    const question = msg.subarray(12, end + 4);
    queries.push(`${qtype === 16 ? 'TXT' : qtype} ${name}`);
    const known = txt.get(name.toLowerCase());
    const answers = qtype === 16 && known ? known : [];
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | (known ? 0 : 3), 2); // QR, AA, RD echoed, NXDOMAIN when unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    const rrs = answers.map((text) => {
      const rdata = txtRdata(text);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question
      rr.writeUInt16BE(16, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([rr, rdata]);
    });
    socket.send(Buffer.concat([header, question, ...rrs]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    txt,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
