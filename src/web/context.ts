/** What the dashboard's route files share: the app's deps plus the session store and queue handles. */
import type { AppDeps } from '../api/types.ts';
import type { QueueHandles } from './queues.ts';
import type { SessionStore } from './session.ts';

export interface WebContext extends AppDeps {
  /** the dashboard's sessions (named `codec` since sessions were signed tokens) */
  codec: SessionStore;
  queues: () => QueueHandles;
}
