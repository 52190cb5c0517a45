package org.palaver.cluster.entity;

import java.time.Instant;

/**
 * One node as the grid knows it, stored as JSON under the node id in {@code palaver-nodes}.
 * {@code url} is {@code palaver.node.url}, absent when not configured; {@code load} counts the rooms
 * this node owns; {@code heartbeat} is when the node last wrote its entry; {@code instance} is the
 * node's process ({@link org.palaver.platform.ProcessInstance}), the same after it rejoins.
 */
public record NodeEntry(String url, NodeState state, int load, Instant heartbeat, String instance) {
}
