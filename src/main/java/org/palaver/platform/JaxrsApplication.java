package org.palaver.platform;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

@ApplicationPath("api")
public class JaxrsApplication extends Application {

    /** Jersey (Payara) would describe the whole API as WADL to anyone sending OPTIONS; RESTEasy ignores the key. */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
