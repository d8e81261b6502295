/**
 * `switchboard slack-manifest`: the manifest parses (YAML and JSON), carries the request URLs of
 * the Slack ingress on the public URL, the events and scopes the ingress and sink use, and turns
 * Socket Mode on only for a slack channel with an app_token.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, type CliIo } from '../../../src/cli/index.ts';
import { botDisplayName, checkPublicUrl } from '../../../src/cli/slack-manifest.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-manifest-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => out.push(s), err: (s) => err.push(s), stdin: Readable.from(['']) };
  const code = await runCli(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

// tokens unset on purpose: the app is made from the manifest before its tokens exist
const httpSlack = 'name: slack\nkind: slack\ntoken: ${SLACK_BOT_TOKEN_UNSET}\nsigning_secret: ${SLACK_SIGNING_UNSET}\n';
const socketSlack = 'name: slack-socket\nkind: slack\ntoken: ${SLACK_BOT_TOKEN_UNSET}\napp_token: ${SLACK_APP_TOKEN_UNSET}\n';

describe('switchboard slack-manifest', () => {
  it('prints a YAML manifest with the request URLs on server.public_url', async () => {
    const dir = configDir({ 'switchboard.yaml': 'server:\n  public_url: https://sb.example.com/\n', 'channels/slack.yaml': httpSlack });
    const r = await cli(['slack-manifest', '--config', dir]);
    expect(r.code).toBe(0);
    const m = parse(r.out);
    expect(m.features.slash_commands).toEqual([expect.objectContaining({ command: '/sb', url: 'https://sb.example.com/ingress/slack/commands' })]);
    expect(m.settings.event_subscriptions).toEqual({ request_url: 'https://sb.example.com/ingress/slack/events', bot_events: ['app_mention', 'message.im'] });
    expect(m.settings.interactivity).toEqual({ is_enabled: true, request_url: 'https://sb.example.com/ingress/slack/interactions' });
    expect(m.settings.socket_mode_enabled).toBe(false);
    expect(m.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['chat:write', 'commands', 'app_mentions:read', 'im:history']));
    expect(m.display_information.name).toBe('Switchboard');
    expect(m.features.bot_user.display_name).toBe('switchboard');
    expect(m.features.app_home.messages_tab_enabled).toBe(true);
  });

  it('--url wins over server.public_url, keeps a path prefix, and --json prints the same manifest as JSON', async () => {
    const dir = configDir({ 'switchboard.yaml': 'server:\n  public_url: https://old.example.com\n', 'channels/slack.yaml': httpSlack });
    const yaml = await cli(['slack-manifest', '--config', dir, '--url', 'https://proxy.example.com/switchboard/']);
    const json = await cli(['slack-manifest', '--config', dir, '--url', 'https://proxy.example.com/switchboard/', '--json']);
    expect(yaml.code).toBe(0);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual(parse(yaml.out));
    expect(JSON.parse(json.out).settings.event_subscriptions.request_url).toBe('https://proxy.example.com/switchboard/ingress/slack/events');
    expect(json.out).not.toContain('old.example.com');
  });

  it('turns Socket Mode on, without request URLs, for a slack channel with an app_token', async () => {
    const dir = configDir({ 'switchboard.yaml': 'server:\n  port: 0\n', 'channels/slack.yaml': socketSlack });
    const r = await cli(['slack-manifest', '--config', dir, '--json']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out);
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect(m.settings.event_subscriptions).toEqual({ bot_events: ['app_mention', 'message.im'] });
    expect(m.settings.interactivity).toEqual({ is_enabled: true });
    expect(m.features.slash_commands[0].url).toBeUndefined();
    expect(r.out).not.toContain('/ingress/');
  });

  it('asks for a URL when there is none and no Socket Mode, refuses http, and names an unknown channel', async () => {
    const dir = configDir({ 'switchboard.yaml': 'server:\n  port: 0\n', 'channels/slack.yaml': httpSlack, 'channels/socket.yaml': socketSlack });
    const none = await cli(['slack-manifest', '--config', dir, '--channel', 'slack']);
    expect(none.code).toBe(2);
    expect(none.out).toBe('');
    expect(none.err).toContain('no public URL: pass --url');
    const http = await cli(['slack-manifest', '--config', dir, '--channel', 'slack', '--url', 'http://sb.example.com']);
    expect(http.code).toBe(2);
    expect(http.err).toContain('--url: Slack calls https URLs only');
    const two = await cli(['slack-manifest', '--config', dir, '--url', 'https://sb.example.com']);
    expect(two.code).toBe(2);
    expect(two.err).toContain('2 slack channels (slack, slack-socket): pass --channel NAME');
    const typo = await cli(['slack-manifest', '--config', dir, '--channel', 'slakc']);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('no slack channel "slakc" (did you mean "slack"?)');
    const chosen = await cli(['slack-manifest', '--config', dir, '--channel', 'slack-socket', '--json']);
    expect(chosen.code).toBe(0);
    expect(JSON.parse(chosen.out).settings.socket_mode_enabled).toBe(true);
  });

  it('prints a manifest from --url alone when the config folder does not exist; refuses a name Slack would', async () => {
    const r = await cli([
      'slack-manifest',
      '--config',
      join(tmpdir(), 'sb-no-such-folder-xyz'),
      '--url',
      'https://sb.example.com',
      '--name',
      'Ops Bot',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).display_information.name).toBe('Ops Bot');
    const missing = await cli(['slack-manifest', '--config', join(tmpdir(), 'sb-no-such-folder-xyz')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('does not exist');
    const long = await cli([
      'slack-manifest',
      '--config',
      join(tmpdir(), 'sb-no-such-folder-xyz'),
      '--url',
      'https://sb.example.com',
      '--name',
      'x'.repeat(36),
    ]);
    expect(long.code).toBe(2);
    expect(long.err).toContain('--name must be 1 to 35 characters');
  });

  it('checks the URL and the bot name the way Slack takes them', () => {
    expect(checkPublicUrl('https://sb.example.com///')).toEqual({ url: 'https://sb.example.com' });
    expect(checkPublicUrl('https://sb.example.com?x=1')).toEqual({ error: expect.stringContaining('no query') });
    expect(checkPublicUrl('sb.example.com')).toEqual({ error: expect.stringContaining('is not a URL') });
    expect(botDisplayName('Switch Board!')).toBe('switch-board');
    expect(botDisplayName('***')).toBe('switchboard');
  });
});
