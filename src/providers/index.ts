/**
 * Every provider, one line each (ARCHITECTURE.md "Add a provider"): its manifest import and its entry
 * in `providers`. The channel schema (src/config/schema.ts), the users' medium keys, the sinks
 * (src/sinks/index.ts) and the ingresses (src/ingress/index.ts) are all derived from this list.
 * Pure: manifests only; the runtimes are loaded by src/providers/runtimes.ts.
 */
import { manifest as alertmanager } from './alertmanager/manifest.ts';
import { manifest as discord } from './discord/manifest.ts';
import { manifest as email } from './email/manifest.ts';
import { manifest as file } from './file/manifest.ts';
import { manifest as github } from './github/manifest.ts';
import { manifest as gitlab } from './gitlab/manifest.ts';
import { manifest as grafana } from './grafana/manifest.ts';
import { manifest as jira } from './jira/manifest.ts';
import { manifest as log } from './log/manifest.ts';
import { manifest as mattermost } from './mattermost/manifest.ts';
import { manifest as slack } from './slack/manifest.ts';
import { manifest as sms } from './sms/manifest.ts';
import { manifest as teams } from './teams/manifest.ts';
import { manifest as telegram } from './telegram/manifest.ts';
import { manifest as webhook } from './webhook/manifest.ts';

export const providers = [log, file, slack, email, sms, github, gitlab, jira, webhook, teams, mattermost, telegram, discord, alertmanager, grafana] as const;

export type { ProviderManifest, ProviderRuntime } from './provider.ts';
