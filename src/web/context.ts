/** What the dashboard's route files share: the app's deps plus the session codec and queue handles. */
import type { AppDeps } from '../api/types.ts';
import type { QueueHandles } from './queues.ts';
import type { SessionCodec } from './session.ts';

export interface WebContext extends AppDeps {
  codec: SessionCodec;
  queues: () => QueueHandles;
}
