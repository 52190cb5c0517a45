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

    /**
     * Arquillian reports the machine's external address; browsers only allow cameras over plain
     * HTTP on loopback, and loopback is all the tests need.
     */
    public static URI loopback(URL reported) {
        return URI.create("http://127.0.0.1:" + reported.getPort() + "/");
    }
}
