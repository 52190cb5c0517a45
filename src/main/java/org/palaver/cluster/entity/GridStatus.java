package org.palaver.cluster.entity;

import java.util.List;

/**
 * What readiness reports of the grid. {@code problem} is set while the member has not joined (yet);
 * {@code nodes} are the ids in {@code palaver-nodes} as of this node's last heartbeat.
 */
public record GridStatus(String problem, String node, int members, List<String> nodes) {

    public boolean joined() {
        return problem == null;
    }
}
