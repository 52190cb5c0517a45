package org.palaver.platform;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * This process, new at every start: the media servers' pipelines are tagged with it, and a cluster
 * node publishes it in its grid entry. Unlike a cluster member's id, it stays the same when a node
 * rejoins the cluster (after a split, Hazelcast gives a member a new id), so a pipeline is only
 * taken for an orphan when the process that made it is really gone.
 */
@ApplicationScoped
public class ProcessInstance {

    private final String id = UUID.randomUUID().toString();

    public String id() {
        return id;
    }
}
