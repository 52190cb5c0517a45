package org.palaver.media.control;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.kurento.client.KurentoClient;
import org.kurento.client.KurentoConnectionListener;

/**
 * Keeps one session with the Kurento Media Server, on a supervisor thread of its own: connects,
 * notices losses, reconnects with a backoff that starts at {@link #FIRST_RETRY} and doubles up to
 * {@code retryInterval} (a restarted media server is found within moments, a long outage costs
 * one probe per interval), and reports each new session and each lost one.
 *
 * <p>Never hangs: {@code KurentoClient.create} blocks forever against a port that accepts TCP but
 * never completes the WebSocket handshake (no timeout of its own applies). So each attempt first
 * probes the handshake with a bounded {@link WebSocket}, and then creates the client on a thread
 * of its own with a bounded wait; a create that still hangs is abandoned (and its client destroyed
 * should it ever finish), and no second one starts while it does.
 */
public final class KurentoConnection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KurentoConnection.class.getName());
    static final Duration FIRST_RETRY = Duration.ofMillis(250);

    /** What the owner hears; called on the supervisor thread. */
    public interface Events {
        void sessionStarted();

        void sessionLost();
    }

    private final URI url;
    private final Duration connectTimeout;
    private final Duration retryInterval;
    private final ThreadFactory threads;
    private final ScheduledExecutorService supervisor;
    private final Events events;
    private volatile KurentoClient client;
    /** The current session's offers at the media server; a new session starts with none. */
    private volatile OfferGate offers = new OfferGate(OfferGate.DEFAULT_LIMIT);
    private volatile String problem = "connecting to the media server";
    private Thread hangingCreate; // supervisor thread only
    private boolean warned; // supervisor thread only: log a run of failures once
    private Duration backoff = FIRST_RETRY; // supervisor thread only: the wait before the next attempt

    public KurentoConnection(URI url, Duration connectTimeout, Duration retryInterval, ThreadFactory threads,
                             ScheduledExecutorService supervisor, Events events) {
        this.url = url;
        this.connectTimeout = connectTimeout;
        this.retryInterval = retryInterval;
        this.threads = threads;
        this.supervisor = supervisor;
        this.events = events;
    }

    public void start() {
        supervisor.execute(this::attempt);
    }

    /** The current session's client, or null while there is none. */
    public KurentoClient client() {
        return client;
    }

    /** The gate of the current session (or of the last one while there is none). */
    public OfferGate offers() {
        return offers;
    }

    /** Why there is no session, or null when there is one. */
    public String problem() {
        return client == null ? problem : null;
    }

    @Override
    public void close() {
        supervisor.shutdownNow();
        KurentoClient last = client;
        client = null;
        if (last != null) {
            destroyLater(last);
        }
    }

    private void attempt() {
        if (client != null || supervisor.isShutdown()) {
            return;
        }
        try {
            if (hangingCreate != null && hangingCreate.isAlive()) {
                fail("an earlier connection attempt still hangs");
                return;
            }
            hangingCreate = null;
            probe();
            KurentoClient created = create();
            offers = new OfferGate(OfferGate.DEFAULT_LIMIT); // the old session's offers died with it
            client = created;
            warned = false;
            backoff = FIRST_RETRY;
            LOG.info("connected to the media server at " + url);
            events.sessionStarted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void fail(String why) {
        problem = "media server unreachable: " + why;
        if (!warned) {
            warned = true;
            LOG.warning("media server at " + url + " unreachable: " + why + "; rooms are created in mesh mode until it answers (retrying at least every "
                    + retryInterval.toMillis() + " ms)");
        }
        schedule(shorter(backoff, retryInterval));
        backoff = nextBackoff(backoff, retryInterval);
    }

    /** A WebSocket handshake that must finish within the connect timeout. */
    private void probe() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        CompletableFuture<WebSocket> handshake = http.newWebSocketBuilder()
                .connectTimeout(connectTimeout)
                .buildAsync(url, new WebSocket.Listener() { });
        try {
            handshake.get(connectTimeout.toMillis() + 500, TimeUnit.MILLISECONDS).abort();
        } catch (TimeoutException e) {
            handshake.cancel(true);
            throw new TimeoutException("no WebSocket handshake within " + connectTimeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new Exception("WebSocket handshake failed: " + e.getCause(), e.getCause());
        }
    }

    private KurentoClient create() throws Exception {
        CompletableFuture<KurentoClient> created = new CompletableFuture<>();
        Listener listener = new Listener();
        Thread creating = threads.newThread(() -> {
            try {
                created.complete(KurentoClient.create(url.toString(), listener));
            } catch (Throwable e) {
                created.completeExceptionally(e);
            }
        });
        creating.start();
        try {
            KurentoClient c = created.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
            listener.client = c;
            return c;
        } catch (TimeoutException e) {
            hangingCreate = creating;
            created.thenAccept(this::destroyLater);
            throw new TimeoutException("the Kurento client did not connect within " + connectTimeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new Exception("the Kurento client could not connect: " + e.getCause(), e.getCause());
        }
    }

    private void lost(KurentoClient which, String why) {
        if (which == null || client != which) {
            return; // an old session, already dealt with
        }
        client = null;
        problem = "lost the media server session: " + why;
        LOG.warning("lost the media server session at " + url + ": " + why + "; reconnecting");
        destroyLater(which);
        events.sessionLost();
        backoff = FIRST_RETRY;
        schedule(Duration.ofMillis(100));
    }

    /** Doubles the wait, never beyond {@code longest}. */
    static Duration nextBackoff(Duration current, Duration longest) {
        return shorter(current.multipliedBy(2), longest);
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void schedule(Duration delay) {
        if (!supervisor.isShutdown()) {
            supervisor.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** destroy() says goodbye over the socket, which may hang on a dead server: never on our threads. */
    private void destroyLater(KurentoClient c) {
        threads.newThread(() -> {
            try {
                c.destroy();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "destroying a Kurento client failed", e);
            }
        }).start();
    }

    /** kurento-client's callbacks, moved onto the supervisor thread. */
    private final class Listener implements KurentoConnectionListener {
        volatile KurentoClient client;

        @Override
        public void connected() {
        }

        @Override
        public void connectionFailed() {
            report("connection failed");
        }

        @Override
        public void disconnected() {
            report("disconnected");
        }

        @Override
        public void reconnected(boolean sameServer) {
            if (!sameServer) {
                // A new session: every object of the old one is gone.
                report("the media server restarted");
            }
        }

        private void report(String why) {
            KurentoClient which = client;
            if (!supervisor.isShutdown()) {
                supervisor.execute(() -> lost(which, why));
            }
        }
    }
}
