package org.palaver.it;

import java.io.File;
import java.net.URI;
import java.net.URL;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR exactly as it ships (target/palaver.war), and where the server under test answers. */
public final class Deployments {

    private Deployments() {
    }

    public static WebArchive builtWar() {
        File war = new File(System.getProperty("palaver.war", "target/palaver.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    /** Creates a room over the REST API; returns its id. */
    public static String createRoom(URI base) throws Exception {
        String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(base.resolve("api/rooms"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
    }

    /**
     * Arquillian reports the machine's external address; browsers only allow cameras over plain
     * HTTP on loopback, and loopback is all the tests need.
     */
    public static URI loopback(URL reported) {
        return URI.create("http://127.0.0.1:" + reported.getPort() + "/");
    }

    /** Skips the test on the WildFly run: what it shows is the same whichever server serves the WAR. */
    public static void onlyOnPayara(String why) {
        org.junit.jupiter.api.Assumptions.assumeTrue("payara".equals(System.getProperty("palaver.it.server", "payara")), why);
    }
}
