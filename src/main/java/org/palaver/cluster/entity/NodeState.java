package org.palaver.cluster.entity;

/** Whether a node takes new rooms ({@code SERVING}) or only finishes the ones it has ({@code DRAINING}). */
public enum NodeState {
    SERVING,
    DRAINING
}
