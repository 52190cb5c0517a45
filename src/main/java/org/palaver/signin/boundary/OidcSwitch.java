package org.palaver.signin.boundary;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Sign-in is off unless configured: without {@code palaver.oidc.issuer} the mechanism's class is
 * vetoed, so no mechanism is installed and no request ever meets one. With an issuer but no client
 * id the deployment fails with a message naming the missing key, instead of failing at each login.
 */
public class OidcSwitch implements Extension {

    private static final Logger LOG = Logger.getLogger(OidcSwitch.class.getName());

    void mechanism(@Observes ProcessAnnotatedType<OidcMechanism> type) {
        Optional<String> issuer = setting("palaver.oidc.issuer");
        if (issuer.isEmpty()) {
            type.veto();
            return;
        }
        if (setting("palaver.oidc.client-id").isEmpty()) {
            throw new IllegalStateException("palaver.oidc.issuer is set but palaver.oidc.client-id is not:"
                    + " set PALAVER_OIDC_CLIENT_ID (and PALAVER_OIDC_CLIENT_SECRET) to the client registered at the provider");
        }
        LOG.info("sign-in with the identity provider at " + issuer.get() + " is on");
    }

    private static Optional<String> setting(String key) {
        return ConfigProvider.getConfig().getOptionalValue(key, String.class).filter(s -> !s.isBlank());
    }
}
