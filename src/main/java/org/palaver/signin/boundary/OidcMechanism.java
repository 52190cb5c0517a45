package org.palaver.signin.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.OpenIdAuthenticationMechanismDefinition;
import jakarta.security.enterprise.authentication.mechanism.http.openid.ClaimsDefinition;

/**
 * Jakarta Security's OpenID Connect mechanism, installed only when {@code palaver.oidc.issuer} is
 * set ({@link OidcSwitch} vetoes this class otherwise). It runs the authorization-code round trip
 * for {@code /oidc/start}; {@code /oidc/callback} then turns the result into a member pass.
 * {@code useSession = false}: the round trip's state lives in cookies, not in one node's HTTP
 * session, so the provider's redirect back may reach any node of a cluster.
 */
@ApplicationScoped
@OpenIdAuthenticationMechanismDefinition(
        providerURI = "${palaverOidc.issuer}",
        clientId = "${palaverOidc.clientId}",
        clientSecret = "${palaverOidc.clientSecret}",
        redirectURI = "${baseURL}/oidc/callback",
        scope = {"openid", "profile", "email"},
        useSession = false,
        redirectToOriginalResource = false,
        claimsDefinition = @ClaimsDefinition(callerNameClaim = "sub"))
public class OidcMechanism {
}
