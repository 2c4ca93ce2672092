// One load balancer's live stream as component state: the status tree, member state changes and
// every listener's chart history.
import { useEffect, useRef, useState } from 'preact/hooks';
import { followLoadBalancer, type MemberChange, type StatusNode } from '../api/live-stream';
import { ListenerHistory } from '../components/charts';

export interface Live {
  tree: StatusNode | undefined;
  changes: MemberChange[];
  history: (listenerId: string) => ListenerHistory;
  /** Bumped on each stats event. */
  version: number;
  connected: boolean;
  gone: boolean;
}

const MAX_CHANGES = 200;

export function useLive(loadbalancerId: string | undefined): Live {
  const [tree, setTree] = useState<StatusNode | undefined>(undefined);
  const [changes, setChanges] = useState<MemberChange[]>([]);
  const [version, setVersion] = useState(0);
  const [connected, setConnected] = useState(false);
  const [gone, setGone] = useState(false);
  const histories = useRef(new Map<string, ListenerHistory>());
  const history = (id: string) => {
    let found = histories.current.get(id);
    if (found === undefined) {
      found = new ListenerHistory();
      histories.current.set(id, found);
    }
    return found;
  };
  useEffect(() => {
    if (loadbalancerId === undefined) return;
    histories.current = new Map();
    setTree(undefined);
    setChanges([]);
    setGone(false);
    return followLoadBalancer(loadbalancerId, {
      status: setTree,
      member: (change) => setChanges((old) => (old.some((c) => c.seq === change.seq) ? old : [...old, change].slice(-MAX_CHANGES))),
      stats: (event) => {
        for (const id of Object.keys(event.listeners)) history(id).push(event, id);
        setVersion((v) => v + 1);
      },
      connected: setConnected,
      gone: () => setGone(true),
    });
  }, [loadbalancerId]);
  return { tree, changes, history, version, connected, gone };
}
