package org.palaver.media.entity;

/**
 * What one media server carries, as it last told us: its pipelines, the elements in them
 * (endpoints, mostly) and its CPU use in percent of all its cores. Every node asks the media
 * server itself, so all nodes see the same load without sharing it.
 */
public record ServerLoad(int pipelines, int elements, float cpuPercent) {

    public static final ServerLoad NONE = new ServerLoad(0, 0, 0f);
}
