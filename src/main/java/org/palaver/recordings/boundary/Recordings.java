package org.palaver.recordings.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.palaver.recordings.control.AccessTokens;
import org.palaver.recordings.control.RecordingDirectory;

/**
 * Recording of Kurento rooms, on when {@code palaver.recordings.dir} is set: a folder both Palaver
 * and the media servers reach under the same path, where the media servers write one WebM file per
 * part. Keeps each part {@code palaver.recordings.keep} (checked every hour) and signs the links
 * a listing hands out.
 */
@ApplicationScoped
public class Recordings {

    private static final Logger LOG = Logger.getLogger(Recordings.class.getName());
    /** How long a listed {@code url} plays. */
    static final Duration LINK_LIFETIME = Duration.ofHours(6);

    @Inject
    @ConfigProperty(name = "palaver.recordings.dir")
    Optional<String> dirSetting;

    @Inject
    @ConfigProperty(name = "palaver.recordings.keep", defaultValue = "P30D")
    Duration keep;

    @Inject
    @ConfigProperty(name = "palaver.secret")
    Optional<String> secret;

    @Resource
    ManagedScheduledExecutorService scheduler;

    Clock clock = Clock.systemUTC();
    private RecordingDirectory directory;
    private AccessTokens access = AccessTokens.random();
    private ScheduledFuture<?> sweeping;

    @PostConstruct
    void start() {
        secret.filter(s -> !s.isBlank()).ifPresent(s -> access = AccessTokens.of(s));
        Optional<String> dir = dirSetting.filter(s -> !s.isBlank());
        if (dir.isEmpty()) {
            return;
        }
        Path path = Path.of(dir.get()).toAbsolutePath().normalize();
        try {
            Files.createDirectories(path);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("palaver.recordings.dir " + path + " cannot be made: " + e.getMessage(), e);
        }
        if (!Files.isWritable(path)) {
            throw new IllegalStateException("palaver.recordings.dir " + path + " is not writable by this server");
        }
        directory = new RecordingDirectory(path);
        if (scheduler != null) {
            sweeping = scheduler.scheduleWithFixedDelay(this::sweepSafely, 0, 1, TimeUnit.HOURS);
        }
        LOG.info(() -> "recording is on: parts go to " + path + " (the media servers must write there under the same path),"
                + " kept " + keep);
    }

    @PreDestroy
    void stop() {
        if (sweeping != null) {
            sweeping.cancel(false);
        }
    }

    public boolean enabled() {
        return directory != null;
    }

    public Optional<RecordingDirectory> directory() {
        return Optional.ofNullable(directory);
    }

    public Instant now() {
        return clock.instant();
    }

    public String accessToken(String partId) {
        return access.issue(partId, now().plus(LINK_LIFETIME));
    }

    public boolean accessValid(String token, String partId) {
        return access.valid(token, partId, now());
    }

    /** Parts older than the keep time go; returns how many. */
    public int sweep() {
        return directory == null ? 0 : directory.sweep(now().minus(keep));
    }

    private void sweepSafely() {
        try {
            int deleted = sweep();
            if (deleted > 0) {
                LOG.info(() -> "deleted " + deleted + " recording part(s) older than " + keep);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not sweep old recordings in " + directory.dir(), e);
        }
    }

    /** For the listing: the room's parts, oldest first. */
    public List<RecordingDirectory.Part> parts(String room) {
        return directory == null ? List.of() : directory.parts(room, now());
    }
}
